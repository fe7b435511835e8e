#include "proxy/http/proxy_protocol_header.h"

#include <gtest/gtest.h>

#include <string>

namespace cuttle {
namespace proxy_protocol_header_test {

const std::string kV2Magic{"\x0D\x0A\x0D\x0A\x00\x0D\x0A\x51\x55\x49\x54\x0A", 12};

ProxyProtocolParsed parsed(std::string_view bytes) {
  auto result = parse_proxy_protocol(bytes);
  if (auto* error = std::get_if<ProxyProtocolError>(&result)) ADD_FAILURE() << error->message;
  EXPECT_TRUE(std::holds_alternative<ProxyProtocolParsed>(result));
  if (auto* p = std::get_if<ProxyProtocolParsed>(&result)) return *p;
  return {};
}

std::string error_of(std::string_view bytes) {
  auto result = parse_proxy_protocol(bytes);
  if (auto* error = std::get_if<ProxyProtocolError>(&result)) return error->message;
  return "(no error)";
}

bool needs_more(std::string_view bytes) {
  return std::holds_alternative<ProxyProtocolNeedMore>(parse_proxy_protocol(bytes));
}

std::string be16(unsigned v) { return {static_cast<char>(v >> 8), static_cast<char>(v & 0xFF)}; }

// A v2 header: version/command byte, family/transport byte, then the block.
std::string v2(uint8_t version_command, uint8_t family_transport, const std::string& block) {
  return kV2Magic + std::string{static_cast<char>(version_command), static_cast<char>(family_transport)} +
         be16(block.size()) + block;
}

const std::string kInet4Block = std::string("\xC0\x00\x02\x07", 4) + std::string("\x0A\x00\x00\x01", 4) +
                                be16(51000) + be16(80);

TEST(ProxyProtocolHeader, V1Tcp4GivesBothEndpointsAndItsSize) {
  const std::string line = "PROXY TCP4 192.0.2.7 10.0.0.1 51000 3128\r\n";
  auto p = parsed(line + "GET / HTTP/1.1\r\n");
  EXPECT_EQ(p.size, line.size());
  EXPECT_EQ(p.header.version, "1.0");
  ASSERT_TRUE(p.header.forwards_addresses());
  EXPECT_EQ(p.header.source->address.to_string(), "192.0.2.7");
  EXPECT_EQ(p.header.source->port, 51000);
  EXPECT_EQ(p.header.destination->address.to_string(), "10.0.0.1");
  EXPECT_EQ(p.header.destination->port, 3128);
}

TEST(ProxyProtocolHeader, V1Tcp6) {
  auto p = parsed("PROXY TCP6 2001:db8::7 ::1 1 65535\r\n");
  ASSERT_TRUE(p.header.forwards_addresses());
  EXPECT_EQ(p.header.source->address.to_string(), "2001:db8::7");
  EXPECT_EQ(p.header.destination->port, 65535);
}

TEST(ProxyProtocolHeader, V1UnknownKeepsTheConnectionsAddresses) {
  auto p = parsed("PROXY UNKNOWN whatever follows\r\n");
  EXPECT_FALSE(p.header.forwards_addresses());
  EXPECT_EQ(p.size, 32u);
}

TEST(ProxyProtocolHeader, V1WaitsForTheRestOfTheLine) {
  EXPECT_TRUE(needs_more(""));
  EXPECT_TRUE(needs_more("PRO"));
  EXPECT_TRUE(needs_more("PROXY"));
  EXPECT_TRUE(needs_more("PROXY TCP4 1.2.3.4"));
  EXPECT_TRUE(needs_more("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r"));
}

TEST(ProxyProtocolHeader, V1RefusesWhatSquidRefuses) {
  EXPECT_EQ(error_of("PROXY TCP4 1.2.3.4 5.6.7.8 1111\r\n"), "PROXY/1.0 error: garbage after port");
  EXPECT_EQ(error_of("PROXY TCP4 1.2.3.4 5.6.7.8 1 70000\r\n"), "PROXY/1.0 error: invalid port");
  EXPECT_EQ(error_of("PROXY TCP4 1.2.3.4 5.6.7.8 x 2\r\n"), "PROXY/1.0 error: malformed port");
  EXPECT_EQ(error_of("PROXY TCP6 1.2.3.4 5.6.7.8 1 2\r\n"),
            "PROXY/1.0 error: declared and/or actual IP address families mismatch");
  EXPECT_EQ(error_of("PROXY TCP4 1.2.3.4 ::1 1 2\r\n"),
            "PROXY/1.0 error: declared and/or actual IP address families mismatch");
  EXPECT_EQ(error_of("PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n"), "PROXY/1.0 error: missing or invalid IP address family");
  EXPECT_EQ(error_of("PROXY TCP4 1.2.3.4.5 5.6.7.8 1 2\r\n"), "PROXY/1.0 error: invalid IP address");
  EXPECT_EQ(error_of("PROXY TCP4 host 5.6.7.8 1 2\r\n"), "PROXY/1.0 error: malformed IP address");
  EXPECT_EQ(error_of("PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n"), "PROXY/1.0 error: invalid INET protocol or family");
  EXPECT_EQ(error_of("PROXYTCP4 1.2.3.4 5.6.7.8 1 2\r\n"), "PROXY/1.0 error: missing SP after the magic sequence");
  EXPECT_EQ(error_of("PROXY\r\n"), "PROXY/1.0 error: malformed header");
  EXPECT_EQ(error_of("PROXY TCP4\rX"), "PROXY/1.0 error: malformed header");
}

TEST(ProxyProtocolHeader, V1LineIsAtMost107Bytes) {
  const std::string longest = "PROXY UNKNOWN " + std::string(107 - 16, 'x') + "\r\n";
  ASSERT_EQ(longest.size(), 107u);
  EXPECT_EQ(parsed(longest).size, 107u);
  const std::string too_long = "PROXY UNKNOWN " + std::string(107 - 15, 'x') + "\r\n";
  EXPECT_EQ(error_of(too_long), "PROXY/1.0 error: malformed header");
}

TEST(ProxyProtocolHeader, OtherProtocolsAreRefusedOnceTwelveBytesAreIn) {
  EXPECT_TRUE(needs_more("GET / HTTP/"));
  EXPECT_EQ(error_of("GET / HTTP/1.1\r\n"), "PROXY protocol error: invalid magic");
}

TEST(ProxyProtocolHeader, V2ProxyInet4WithTlvs) {
  const std::string tlvs = std::string("\x01", 1) + be16(2) + "h2" + std::string("\xE0", 1) + be16(0);
  const auto bytes = v2(0x21, 0x11, kInet4Block + tlvs);
  auto p = parsed(bytes + "GET");
  EXPECT_EQ(p.size, bytes.size());
  EXPECT_EQ(p.header.version, "2.0");
  ASSERT_TRUE(p.header.forwards_addresses());
  EXPECT_EQ(p.header.source->address.to_string(), "192.0.2.7");
  EXPECT_EQ(p.header.source->port, 51000);
  EXPECT_EQ(p.header.destination->address.to_string(), "10.0.0.1");
  EXPECT_EQ(p.header.destination->port, 80);
  ASSERT_EQ(p.header.tlvs.size(), 2u);
  EXPECT_EQ(p.header.tlvs[0].type, 1);
  EXPECT_EQ(p.header.tlvs[0].value, "h2");
  EXPECT_EQ(p.header.tlvs[1].type, 0xE0);
  EXPECT_EQ(p.header.tlvs[1].value, "");
}

TEST(ProxyProtocolHeader, V2ProxyInet6) {
  std::string block(32, '\0');
  block[15] = 1;           // ::1
  block[16] = '\x20';      // 2001:db8::
  block[17] = '\x01';
  block[18] = '\x0d';
  block[19] = '\xb8';
  auto p = parsed(v2(0x21, 0x21, block + be16(1) + be16(2)));
  ASSERT_TRUE(p.header.forwards_addresses());
  EXPECT_EQ(p.header.source->address.to_string(), "::1");
  EXPECT_EQ(p.header.destination->address.to_string(), "2001:db8::");
  EXPECT_EQ(p.header.destination->port, 2);
}

TEST(ProxyProtocolHeader, V2LocalForwardsNoAddressAndSkipsItsTlvs) {
  const auto bytes = v2(0x20, 0x11, kInet4Block + std::string("\x01", 1) + be16(1) + "x");
  auto p = parsed(bytes);
  EXPECT_TRUE(p.header.local);
  EXPECT_FALSE(p.header.forwards_addresses());
  EXPECT_TRUE(p.header.tlvs.empty());
  EXPECT_EQ(p.size, bytes.size());
  // haproxy's health checks: LOCAL with no address block at all.
  EXPECT_FALSE(parsed(v2(0x20, 0x00, "")).header.forwards_addresses());
}

TEST(ProxyProtocolHeader, V2UnspecifiedFamilyOrTransportIgnoresTheBlock) {
  EXPECT_FALSE(parsed(v2(0x21, 0x01, "garbage")).header.forwards_addresses());
  EXPECT_FALSE(parsed(v2(0x21, 0x10, "garbage")).header.forwards_addresses());
}

TEST(ProxyProtocolHeader, V2UnixFamilyForwardsSquidsEmptyAddress) {
  auto p = parsed(v2(0x21, 0x31, std::string(216, 'a')));
  ASSERT_TRUE(p.header.forwards_addresses());
  EXPECT_EQ(p.header.source->address.to_string(), "::");
}

TEST(ProxyProtocolHeader, V2WaitsForTheAnnouncedLength) {
  const auto bytes = v2(0x21, 0x11, kInet4Block);
  for (size_t n = 0; n < bytes.size(); ++n) EXPECT_TRUE(needs_more(bytes.substr(0, n))) << n;
}

TEST(ProxyProtocolHeader, V2RefusesWhatSquidRefuses) {
  EXPECT_EQ(error_of(kV2Magic + "\x11"), "PROXY/2.0 error: invalid version 1");
  EXPECT_EQ(error_of(kV2Magic + "\x22"), "PROXY/2.0 error: invalid command 2");
  EXPECT_EQ(error_of(kV2Magic + "\x21\x41"), "PROXY/2.0 error: invalid address family 4");
  EXPECT_EQ(error_of(kV2Magic + "\x21\x13"), "PROXY/2.0 error: invalid transport protocol 3");
  EXPECT_EQ(error_of(v2(0x21, 0x11, kInet4Block.substr(0, 11))), "PROXY/2.0 error: truncated address block or TLV");
  EXPECT_EQ(error_of(v2(0x21, 0x11, kInet4Block + std::string("\x01\x00\x05xy", 5))),
            "PROXY/2.0 error: truncated address block or TLV");
}

}  // namespace proxy_protocol_header_test
}  // namespace cuttle
