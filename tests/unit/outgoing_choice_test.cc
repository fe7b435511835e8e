// tcp_outgoing_address / _tos / _mark lines as squid 5.7 reads them, and the
// choice they make for a request and a destination.
#include "proxy/config/config_parser.h"
#include "proxy/http/outgoing_choice.h"

#include "tests/unit/config_text.h"

#include <gtest/gtest.h>

namespace cuttle {
namespace outgoing_choice_test {

namespace ip = boost::asio::ip;

LoadedConfig loaded_from(const std::string& text) { return load_config_text("http_port 3128\n" + text, "test.conf"); }

std::string error_of(const std::string& text) { return testing::config_error_of("http_port 3128\n" + text); }

RequestFacts from(const std::string& client) {
  RequestFacts facts;
  facts.client = ip::make_address(client);
  facts.method = "GET";
  return facts;
}

TEST(OutgoingChoice, TheFirstMatchingLineOfTheDestinationsFamilyDecides) {
  const auto loaded = loaded_from(
      "acl lan src 10.0.0.0/8\ntcp_outgoing_address 2001:db8::1 lan\ntcp_outgoing_address 192.0.2.1 lan\n"
      "tcp_outgoing_address 192.0.2.9\ntcp_outgoing_address 2001:db8::9\n");
  const auto& outgoing = loaded.config->outgoing;
  const auto v4 = ip::make_address("198.51.100.1"), v6 = ip::make_address("2001:db8:1::1");
  EXPECT_EQ(*choose_outgoing(outgoing, from("10.1.1.1"), v4).local_address, ip::make_address("192.0.2.1"));
  EXPECT_EQ(*choose_outgoing(outgoing, from("10.1.1.1"), v6).local_address, ip::make_address("2001:db8::1"));
  EXPECT_EQ(*choose_outgoing(outgoing, from("172.16.0.1"), v4).local_address, ip::make_address("192.0.2.9"));
  EXPECT_EQ(*choose_outgoing(outgoing, from("172.16.0.1"), v6).local_address, ip::make_address("2001:db8::9"));
}

TEST(OutgoingChoice, DstAclsSeeTheAddressBeingConnectedTo) {
  const auto loaded = loaded_from("acl far dst 198.51.100.0/24\ntcp_outgoing_tos 0x20 far\ntcp_outgoing_mark 7 far\n");
  const auto far = choose_outgoing(loaded.config->outgoing, from("10.1.1.1"), ip::make_address("198.51.100.7"));
  EXPECT_EQ(far.tos, uint8_t{0x20});
  EXPECT_EQ(far.mark, 7u);
  const auto near = choose_outgoing(loaded.config->outgoing, from("10.1.1.1"), ip::make_address("192.0.2.7"));
  EXPECT_FALSE(near.tos);
  EXPECT_FALSE(near.mark);
  EXPECT_FALSE(near.local_address);
}

TEST(OutgoingDirectives, ValuesAreReadAsSquidReadsThem) {
  const auto loaded = loaded_from("tcp_outgoing_tos 0x23\ntcp_outgoing_ds 040\ntcp_outgoing_mark 0xff\n");
  ASSERT_EQ(loaded.config->outgoing.tos.size(), 2u);
  EXPECT_EQ(loaded.config->outgoing.tos[0].value, 0x20u);
  EXPECT_EQ(loaded.config->outgoing.tos[1].value, 32u) << "octal";
  EXPECT_EQ(loaded.config->outgoing.marks.at(0).value, 255u);
  ASSERT_EQ(loaded.warnings.size(), 1u);
  EXPECT_NE(loaded.warnings[0].find("WARNING: Tos value '35' adjusted to '32'"), std::string::npos);
  EXPECT_NE(error_of("tcp_outgoing_address not-an-address\n").find("test.conf:2"), std::string::npos);
  EXPECT_NE(error_of("tcp_outgoing_tos 256\n").find("test.conf:2"), std::string::npos);
  EXPECT_NE(error_of("tcp_outgoing_mark 0x10/0xf0\n").find("not implemented"), std::string::npos);
  EXPECT_NE(error_of("tcp_outgoing_address 192.0.2.1 no_such_acl\n").find("no_such_acl"), std::string::npos);
}

}  // namespace outgoing_choice_test
}  // namespace cuttle
