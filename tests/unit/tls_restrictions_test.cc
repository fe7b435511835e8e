// Options that restrict what cuttle may accept, which it does not implement yet,
// refuse the file at their line: TLS restrictions (tls_outgoing_options, a TLS
// cache_peer's tls-*/ssl* options) and http_port modes it has not.
#include "proxy/config/config_parser.h"
#include "proxy/config/tls_restrictions.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace cuttle {
namespace tls_restrictions_test {

LoadedConfig parse(const std::string& text) { return load_config_text("http_port 3128\n" + text, "test.conf"); }

// The error a refused line gives, or "accepted".
std::string refusal_of(const std::string& line) {
  try {
    parse(line + "\n");
    return "accepted";
  } catch (const std::exception& e) {
    return e.what();
  }
}

TEST(TlsRestrictions, RestrictiveOutgoingOptionsAreRefusedAtTheirLine) {
  for (const std::string option : {"min-version=1.2", "options=NO_TLSv1", "cipher=HIGH", "flags=NO_DEFAULT_CA",
                                   "crlfile=/etc/crl.pem", "no-default-ca", "default-ca=off", "version=4"}) {
    const auto error = refusal_of("tls_outgoing_options cafile=/etc/ca.pem " + option);
    EXPECT_TRUE(error.starts_with("test.conf:2: tls_outgoing_options option '" + option + "' restricts")) << error;
  }
  EXPECT_EQ(refusal_of("tls_outgoing_options cafile=/etc/ca.pem"), "accepted");
  EXPECT_EQ(refusal_of("tls_outgoing_options cert=/etc/client.pem"), "accepted");  // warned: it fails closed
}

TEST(TlsRestrictions, ATlsPeersRestrictionsAreRefusedAPlainPeersWarned) {
  for (const std::string option : {"tls-min-version=1.2", "tls-options=NO_SSLv3", "sslversion=4", "sslcipher=HIGH",
                                   "tls-no-default-ca", "sslflags=NO_DEFAULT_CA", "tls-crlfile=/etc/crl.pem"}) {
    const auto error = refusal_of("cache_peer parent.example parent 3128 0 tls " + option);
    EXPECT_TRUE(error.starts_with("test.conf:2: cache_peer option '" + option + "' restricts")) << error;
    // Options come in any order: squid reads them all before using any.
    EXPECT_NE(refusal_of("cache_peer parent.example parent 3128 0 " + option + " ssl"), "accepted") << option;
    auto plain = parse("cache_peer parent.example parent 3128 0 " + option + "\n");
    ASSERT_EQ(plain.warnings.size(), 1u) << option;
    EXPECT_NE(plain.warnings[0].find("has no effect on a peer without 'tls'"), std::string::npos);
  }
}

TEST(TlsRestrictions, SslBumpPortsCuttleCannotServeAreRefused) {
  EXPECT_NE(refusal_of("http_port 3129 ssl-bump").find("test.conf:2: http_port: ssl-bump requires a tls-cert="),
            std::string::npos);
  const auto error = refusal_of("http_port 3129 accel ssl-bump tls-cert=/ca.pem");
  EXPECT_NE(error.find("will not run without it"), std::string::npos) << error;
}

TEST(TlsRestrictions, PeerOptionsAreReadAsSquidMapsThem) {
  EXPECT_EQ(peer_tls_option("tls-min-version=1.2"), "min-version=1.2");
  EXPECT_EQ(peer_tls_option("sslversion=4"), "version=4");
  EXPECT_EQ(peer_tls_option("sslcafile=/x"), std::nullopt);  // implemented: tls-cafile's old name
  EXPECT_EQ(peer_tls_option("weight=2"), std::nullopt);
  EXPECT_EQ(tls_restriction("cafile=/x"), std::nullopt);
}

}  // namespace tls_restrictions_test
}  // namespace cuttle
