// https_port's TLS options as squid 5.7 reads them (Security::ServerOptions).
#include "proxy/config/config_parser.h"
#include "proxy/config/tls_port_config.h"
#include "tests/unit/config_text.h"

#include <gtest/gtest.h>
#include <openssl/ssl.h>

namespace cuttle::testing {
namespace tls_port_config_test {

HttpPortConfig https_port(const std::string& options) {
  auto loaded = load_config_text("https_port 8443 " + options + "\n", "test.conf");
  return loaded.config->http_ports.at(0);
}

TEST(TlsPortConfig, OptionsAddAndRemoveNamedBitsAsSquid) {
  EXPECT_EQ(parse_tls_options("NO_SSLv3,NO_TLSv1:NO_TLSv1_1"),
            uint64_t(SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1));
  EXPECT_EQ(parse_tls_options("ALL,-TLS_ROLLBACK_BUG"), uint64_t(SSL_OP_ALL & ~SSL_OP_TLS_ROLLBACK_BUG));
  EXPECT_EQ(parse_tls_options("+NO_TICKET,!NO_TICKET"), 0u);
  EXPECT_EQ(parse_tls_options("4000"), 0x4000u) << "a hexadecimal value is taken as bits";
  EXPECT_EQ(parse_tls_options("SINGLE_DH_USE,NETSCAPE_CA_DN_BUG"), 0u) << "old workarounds mean nothing now";
}

TEST(TlsPortConfig, AnUnknownOptionNameIsAnErrorNotIgnored) {
  EXPECT_THROW(parse_tls_options("NO_TLSv1_0"), DirectiveError);
  EXPECT_NE(config_error_of("https_port 8443 tls-cert=/c.pem options=NO_TLS1\n").find("test.conf:1: unknown TLS option 'NO_TLS1'"),
            std::string::npos);
}

TEST(TlsPortConfig, CertificateKeyAndTheirOldNames) {
  auto port = https_port("cert=/etc/c.pem key=/etc/k.pem");
  ASSERT_TRUE(port.tls);
  EXPECT_EQ(port.tls->cert_file, "/etc/c.pem");
  EXPECT_EQ(port.tls->key_file, "/etc/k.pem");
  port = https_port("accel defaultsite=www tls-cert=/c.pem tls-key=/k.pem");
  EXPECT_TRUE(port.accel);
  EXPECT_EQ(port.tls->cert_file, "/c.pem");
  EXPECT_EQ(port.tls->key_file, "/k.pem");
}

TEST(TlsPortConfig, ClientCertificateSettings) {
  auto port = https_port("tls-cert=/c.pem clientca=/ca.pem tls-cafile=/a.pem cafile=/b.pem capath=/d "
                         "crlfile=/r.pem sslflags=CONDITIONAL_AUTH,NO_SESSION_REUSE tls-default-ca");
  const auto& tls = *port.tls;
  EXPECT_EQ(tls.clientca, "/ca.pem");
  EXPECT_EQ(tls.cafiles, (std::vector<std::string>{"/a.pem", "/b.pem"}));
  EXPECT_EQ(tls.capath, "/d");
  EXPECT_EQ(tls.crlfile, "/r.pem");
  EXPECT_EQ(tls.flags, unsigned(kTlsConditionalAuth | kTlsNoSessionReuse | kTlsVerifyCrl)) << "crlfile= implies VERIFY_CRL";
  EXPECT_TRUE(tls.default_ca);
  EXPECT_NE(config_error_of("https_port 8443 tls-cert=/c.pem sslflags=VERIFY_ALL\n").find("unknown TLS flag 'VERIFY_ALL'"),
            std::string::npos);
}

TEST(TlsPortConfig, VersionsCiphersAndKeyExchange) {
  auto port = https_port("tls-cert=/c.pem tls-min-version=1.2 cipher=HIGH:!aNULL tls-dh=prime256v1:/dh.pem");
  EXPECT_EQ(port.tls->min_version, TLS1_2_VERSION);
  EXPECT_EQ(port.tls->cipher, "HIGH:!aNULL");
  EXPECT_EQ(port.tls->dh_curve, "prime256v1");
  EXPECT_EQ(port.tls->dh_file, "/dh.pem");
  EXPECT_EQ(https_port("tls-cert=/c.pem tls-dh=/dh.pem").tls->dh_curve, "");
  // The old version=6 allows TLS 1.2 alone.
  const auto only12 = https_port("tls-cert=/c.pem version=6").tls->version_options;
  EXPECT_TRUE(only12 & SSL_OP_NO_TLSv1_3);
  EXPECT_TRUE(only12 & SSL_OP_NO_TLSv1_1);
  EXPECT_FALSE(only12 & SSL_OP_NO_TLSv1_2);
  EXPECT_NE(config_error_of("https_port 8443 tls-cert=/c.pem tls-min-version=1.4\n").find("tls-min-version="),
            std::string::npos);
  EXPECT_NE(config_error_of("https_port 8443 tls-cert=/c.pem version=3\n").find("SSLv3 is gone"), std::string::npos);
}

TEST(TlsPortConfig, HostCertificateSettingsAreKept) {
  auto tls = *https_port("tls-cert=/c.pem generate-host-certificates=off dynamic_cert_mem_cache_size=16MB").tls;
  EXPECT_FALSE(tls.generate_host_certificates);
  EXPECT_EQ(tls.dynamic_cert_mem_cache_size, 16u * 1024 * 1024);
}

TEST(TlsPortConfig, LinesSquidRefusesAreRefusedWithTheirReason) {
  EXPECT_NE(config_error_of("https_port 8443 accel\n").find("test.conf:1: https_port requires a tls-cert="),
            std::string::npos);
  EXPECT_NE(config_error_of("https_port 8443 intercept tls-cert=/c.pem\n").find("requires ssl-bump"),
            std::string::npos);
  EXPECT_NE(config_error_of("https_port 8443 tls-cert=/c.pem require-proxy-header\n")
                .find("require-proxy-header option is not supported on HTTPS ports"),
            std::string::npos);
  EXPECT_NE(config_error_of("https_port 8443 tls-cert=/c.pem bogus\n").find("https_port: unknown option 'bogus'"),
            std::string::npos);
}

TEST(TlsPortConfig, AnHttpPortHasNoTls) {
  auto loaded = load_config_text("http_port 3128\n", "test.conf");
  EXPECT_FALSE(loaded.config->http_ports.at(0).tls);
}

}  // namespace tls_port_config_test
}  // namespace cuttle::testing
