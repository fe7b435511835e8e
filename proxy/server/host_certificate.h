// Certificates SslBump shows a client in the server's place, made as squid
// 5.7's certificate generator makes them (src/ssl/gadgets.cc): signed by the
// bumping port's CA, with the CA's own key as the certificate's key (no key pair
// is made per host, and no new private key ever reaches a disk); the server's
// subject, validity, subjectAltName and key usage copied when its certificate is
// known, else CN=host with a subjectAltName for it; the serial a digest of the
// certificate's content, so the same inputs always give the same certificate.
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

namespace cuttle {

struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using X509Pointer = std::unique_ptr<X509, X509Free>;
using PkeyPointer = std::unique_ptr<EVP_PKEY, PkeyFree>;

// An ssl-bump port's CA: tls-cert= and tls-key=.
struct SigningAuthority {
  X509Pointer cert;
  PkeyPointer key;
};

// Throws std::runtime_error naming the file OpenSSL could not read.
SigningAuthority load_signing_authority(const std::string& cert_file, const std::string& key_file);

// How a certificate is signed (sslproxy_cert_sign): by the CA (signTrusted), by
// an untrusted copy of it so clients refuse the site as they would the real one
// (signUntrusted), or by itself (signSelf).
enum class SigningMode { Trusted, Untrusted, Self };

// What the certificate says (squid's CertificateProperties).
struct HostCertificateRequest {
  std::string host;            // the name the client asked for (SNI, else the CONNECT host)
  const X509* mimic = nullptr;  // the server's certificate, when known
  SigningMode signing = SigningMode::Trusted;
  bool set_common_name = false;   // sslproxy_cert_adapt setCommonName: CN=host whatever the server's says
  bool set_valid_after = false;   // setValidAfter: not after the CA's notAfter, not the server's
  bool set_valid_before = false;  // setValidBefore: not before the CA's notBefore
};

// A key that tells requests apart for a cache of made certificates.
std::string host_certificate_key(const HostCertificateRequest& request);

// Throws std::runtime_error when OpenSSL cannot make or sign it.
X509Pointer make_host_certificate(const HostCertificateRequest& request, const SigningAuthority& ca);

}  // namespace cuttle
