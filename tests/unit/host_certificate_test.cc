// SslBump's certificates as squid's generator makes them, checked with OpenSSL's
// own verification; and the byte-bounded cache that keeps them.
#include "proxy/metrics/proxy_metrics.h"
#include "proxy/server/bump_certificates.h"
#include "proxy/server/host_certificate.h"
#include "proxy/server/lru_by_bytes.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <filesystem>

namespace cuttle {
namespace host_certificate_test {

void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  ASSERT_NE(ext, nullptr) << value;
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// A certificate for `subject_cn` valid [now + from_days, now + to_days], signed
// by `issuer` (itself when null).
X509Pointer certificate(EVP_PKEY* key, const char* subject_cn, X509* issuer, EVP_PKEY* issuer_key, bool ca,
                        const char* alt_names = nullptr, long from_days = -1, long to_days = 365) {
  X509Pointer cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 7);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("Test Org"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(subject_cn), -1, -1, 0);
  X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), from_days * 86400);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), to_days * 86400);
  X509_set_pubkey(cert.get(), key);
  add_ext(cert.get(), issuer ? issuer : cert.get(), NID_basic_constraints, ca ? "critical,CA:TRUE" : "CA:FALSE");
  if (ca) add_ext(cert.get(), cert.get(), NID_subject_key_identifier, "hash");
  if (alt_names) add_ext(cert.get(), issuer, NID_subject_alt_name, alt_names);
  X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256());
  return cert;
}

class HostCertificate : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_.key.reset(EVP_RSA_gen(2048));
    ca_.cert = certificate(ca_.key.get(), "test-ca", nullptr, nullptr, true);
  }

  // Whether `cert` verifies against the CA, for `host`.
  bool trusted_for(X509* cert, const std::string& host) const {
    X509_STORE* store = X509_STORE_new();
    X509_STORE_add_cert(store, ca_.cert.get());
    X509_STORE_CTX* ctx = X509_STORE_CTX_new();
    X509_STORE_CTX_init(ctx, store, cert, nullptr);
    X509_VERIFY_PARAM_set1_host(X509_STORE_CTX_get0_param(ctx), host.c_str(), host.size());
    const bool ok = X509_verify_cert(ctx) == 1;
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
    return ok;
  }

  static std::string name_field(X509_NAME* name, int nid) {
    char text[256] = "";
    X509_NAME_get_text_by_NID(name, nid, text, sizeof text);
    return text;
  }

  static std::string der(X509* cert) {
    unsigned char* bytes = nullptr;
    const int length = i2d_X509(cert, &bytes);
    std::string out(reinterpret_cast<char*>(bytes), length);
    OPENSSL_free(bytes);
    return out;
  }

  SigningAuthority ca_;
};

TEST_F(HostCertificate, ForAHostAloneItNamesTheHostAndTheCaVouchesForIt) {
  HostCertificateRequest request;
  request.host = "www.example.test";
  auto cert = make_host_certificate(request, ca_);
  EXPECT_TRUE(trusted_for(cert.get(), "www.example.test"));
  EXPECT_FALSE(trusted_for(cert.get(), "other.example.test"));
  EXPECT_EQ(name_field(X509_get_subject_name(cert.get()), NID_commonName), "www.example.test");
  EXPECT_EQ(name_field(X509_get_issuer_name(cert.get()), NID_commonName), "test-ca");
  EXPECT_EQ(ASN1_TIME_compare(X509_get0_notAfter(cert.get()), X509_get0_notAfter(ca_.cert.get())), 0)
      << "without a server certificate, the CA's validity";
  EXPECT_EQ(EVP_PKEY_eq(X509_get0_pubkey(cert.get()), ca_.key.get()), 1) << "the CA's key, none made per host";
}

TEST_F(HostCertificate, AnAddressGetsAnIpAlternativeName) {
  HostCertificateRequest request;
  request.host = "192.0.2.7";
  auto cert = make_host_certificate(request, ca_);
  EXPECT_EQ(X509_check_ip_asc(cert.get(), "192.0.2.7", 0), 1);
}

TEST_F(HostCertificate, EqualRequestsGiveTheSameCertificateAndOthersAnotherSerial) {
  HostCertificateRequest a;
  a.host = "a.test";
  auto b = a;
  b.host = "b.test";
  EXPECT_EQ(der(make_host_certificate(a, ca_).get()), der(make_host_certificate(a, ca_).get()));
  EXPECT_NE(ASN1_INTEGER_cmp(X509_get0_serialNumber(make_host_certificate(a, ca_).get()),
                             X509_get0_serialNumber(make_host_certificate(b, ca_).get())),
            0);
}

TEST_F(HostCertificate, AServerCertificateIsMimicked) {
  PkeyPointer server_key(EVP_RSA_gen(2048));
  auto server = certificate(server_key.get(), "origin.test", ca_.cert.get(), ca_.key.get(), false,
                            "DNS:origin.test,DNS:www.origin.test", -10, 30);
  HostCertificateRequest request;
  request.host = "www.origin.test";
  request.mimic = server.get();
  auto cert = make_host_certificate(request, ca_);
  EXPECT_EQ(name_field(X509_get_subject_name(cert.get()), NID_commonName), "origin.test");
  EXPECT_EQ(name_field(X509_get_subject_name(cert.get()), NID_organizationName), "Test Org");
  EXPECT_TRUE(trusted_for(cert.get(), "www.origin.test")) << "the server's alternative names";
  EXPECT_EQ(ASN1_TIME_compare(X509_get0_notAfter(cert.get()), X509_get0_notAfter(server.get())), 0);
  EXPECT_EQ(ASN1_TIME_compare(X509_get0_notBefore(cert.get()), X509_get0_notBefore(server.get())), 0);
  // sslproxy_cert_adapt setCommonName and setValidAfter.
  request.set_common_name = true;
  request.set_valid_after = true;
  cert = make_host_certificate(request, ca_);
  EXPECT_EQ(name_field(X509_get_subject_name(cert.get()), NID_commonName), "www.origin.test");
  EXPECT_TRUE(trusted_for(cert.get(), "www.origin.test"));
  EXPECT_FALSE(trusted_for(cert.get(), "origin.test")) << "the server's names are not copied beside a set CN";
  EXPECT_EQ(ASN1_TIME_compare(X509_get0_notAfter(cert.get()), X509_get0_notAfter(ca_.cert.get())), 0);
  EXPECT_NE(host_certificate_key(request), "");
}

TEST_F(HostCertificate, UntrustedAndSelfSignedOnesAreNotVouchedFor) {
  HostCertificateRequest request;
  request.host = "bad.test";
  request.signing = SigningMode::Untrusted;
  auto untrusted = make_host_certificate(request, ca_);
  EXPECT_FALSE(trusted_for(untrusted.get(), "bad.test"));
  EXPECT_EQ(name_field(X509_get_issuer_name(untrusted.get()), NID_commonName), "Not trusted by \"test-ca\"");
  request.signing = SigningMode::Self;
  auto self = make_host_certificate(request, ca_);
  EXPECT_EQ(X509_NAME_cmp(X509_get_issuer_name(self.get()), X509_get_subject_name(self.get())), 0);
  EXPECT_FALSE(trusted_for(self.get(), "bad.test"));
}

TEST_F(HostCertificate, KeysTellRequestsApartAsSquidsDatabaseKeys) {
  HostCertificateRequest request;
  request.host = "a.test";
  EXPECT_EQ(host_certificate_key(request), "/CN=a.test+Sign=signTrusted");
  request.set_valid_after = true;
  request.signing = SigningMode::Untrusted;
  EXPECT_EQ(host_certificate_key(request), "/CN=a.test+SetValidAfter=on+Sign=signUntrusted");
}

TEST(LruByBytes, TheLeastRecentlyUsedGoFirstWhenTheBytesRunOut) {
  LruByBytes<int> cache(100);
  cache.insert("a", 1, 40);
  cache.insert("b", 2, 40);
  ASSERT_NE(cache.find("a"), nullptr);  // a is now the most recently used
  cache.insert("c", 3, 40);             // 120 > 100: b goes
  EXPECT_EQ(cache.find("b"), nullptr);
  EXPECT_EQ(*cache.find("a"), 1);
  EXPECT_EQ(*cache.find("c"), 3);
  EXPECT_EQ(cache.bytes(), 80u);
  cache.insert("a", 4, 10);  // replaced, not added
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.bytes(), 50u);
  cache.insert("huge", 5, 101);
  EXPECT_EQ(cache.find("huge"), nullptr);
  EXPECT_EQ(cache.size(), 2u);
}

// An ssl-bump port whose CA files are the fixture's, written where the port reads them.
class BumpCertificatesTest : public HostCertificate {
 protected:
  void SetUp() override {
    HostCertificate::SetUp();
    dir_ = std::filesystem::temp_directory_path() / ("cuttle-bump-certs-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    write_pem(dir_ / "ca.pem", [&](FILE* f) { return PEM_write_X509(f, ca_.cert.get()); });
    write_pem(dir_ / "ca.key", [&](FILE* f) {
      return PEM_write_PrivateKey(f, ca_.key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    });
    std::filesystem::permissions(dir_ / "ca.key", std::filesystem::perms::owner_read);
    port_.where = "test.conf:1";
    port_.ssl_bump = true;
    port_.tls.emplace();
    port_.tls->cert_file = dir_ / "ca.pem";
    port_.tls->key_file = dir_ / "ca.key";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  template <class Write>
  static void write_pem(const std::filesystem::path& path, Write write) {
    FILE* f = std::fopen(path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(write(f), 1);
    std::fclose(f);
  }

  std::shared_ptr<asio::ssl::context> for_host(BumpCertificates& certs, const std::string& host) {
    HostCertificateRequest request;
    request.host = host;
    return certs.context_for(port_, request);
  }

  std::filesystem::path dir_;
  HttpPortConfig port_;
  TlsContexts tls_;
  ProxyMetrics metrics_;
};

TEST_F(BumpCertificatesTest, ASitesCertificateIsMadeOnceThenFound) {
  tls_.prepare_server_contexts({port_});
  BumpCertificates certs(tls_, metrics_);
  const auto first = for_host(certs, "a.test");
  EXPECT_EQ(for_host(certs, "a.test"), first);
  EXPECT_NE(for_host(certs, "b.test"), first);
  // The context shows a certificate for the host, by the CA.
  X509* shown = SSL_CTX_get0_certificate(first->native_handle());
  ASSERT_NE(shown, nullptr);
  EXPECT_TRUE(trusted_for(shown, "a.test"));
  EXPECT_FALSE(trusted_for(shown, "b.test"));
}

TEST_F(BumpCertificatesTest, NothingIsKeptBeyondDynamicCertMemCacheSize) {
  port_.tls->dynamic_cert_mem_cache_size = 1024;  // less than one context costs
  tls_.prepare_server_contexts({port_});
  BumpCertificates certs(tls_, metrics_);
  EXPECT_NE(for_host(certs, "a.test"), for_host(certs, "a.test"));
}

TEST_F(BumpCertificatesTest, WithoutGeneratedCertificatesThePortsOwnIsShown) {
  port_.tls->generate_host_certificates = false;
  tls_.prepare_server_contexts({port_});
  BumpCertificates certs(tls_, metrics_);
  EXPECT_EQ(for_host(certs, "a.test"), tls_.server_context(port_));
}

}  // namespace host_certificate_test
}  // namespace cuttle
