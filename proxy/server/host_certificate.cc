#include "proxy/server/host_certificate.h"

#include "proxy/auth/hex.h"
#include "proxy/server/tls_server_context.h"

#include <boost/asio/ip/address.hpp>

#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <stdexcept>

namespace cuttle {
namespace {

// Where nothing else gives one: squid's default validity around "now".
constexpr long kDefaultBackdate = 2L * 24 * 60 * 60;
constexpr long kDefaultLifetime = 3L * 365 * 24 * 60 * 60;

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct BnFree {
  void operator()(BIGNUM* bn) const { BN_free(bn); }
};
struct ExtensionFree {
  void operator()(X509_EXTENSION* ext) const { X509_EXTENSION_free(ext); }
};

std::string hex_of_signature(const X509* cert) {
  const ASN1_BIT_STRING* signature = nullptr;
  X509_get0_signature(&signature, nullptr, cert);
  return signature ? auth::lowercase_hex(signature->data, static_cast<size_t>(signature->length)) : "";
}

void set_common_name(X509* cert, const std::string& name) {
  X509_NAME* subject = X509_get_subject_name(cert);
  // A fresh name when there is none to keep; otherwise the old CN goes, the rest stays.
  for (int at; (at = X509_NAME_get_index_by_NID(subject, NID_commonName, -1)) >= 0;)
    X509_NAME_ENTRY_free(X509_NAME_delete_entry(subject, at));
  // Names longer than a CN may be (64) are left out rather than refused, as squid does.
  X509_NAME_add_entry_by_NID(subject, NID_commonName, MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(name.data()), static_cast<int>(name.size()), -1, 0);
}

void set_validity(X509* cert, const HostCertificateRequest& request, const X509* issuer) {
  const ASN1_TIME* before = !request.set_valid_before && request.mimic ? X509_get0_notBefore(request.mimic) : nullptr;
  if (!before && issuer) before = X509_get0_notBefore(issuer);
  if (before ? !X509_set1_notBefore(cert, before) : !X509_gmtime_adj(X509_getm_notBefore(cert), -kDefaultBackdate))
    throw_openssl_error("cannot set a certificate's notBefore");
  const ASN1_TIME* after = !request.set_valid_after && request.mimic ? X509_get0_notAfter(request.mimic) : nullptr;
  if (!after && issuer) after = X509_get0_notAfter(issuer);
  if (after ? !X509_set1_notAfter(cert, after) : !X509_gmtime_adj(X509_getm_notAfter(cert), kDefaultLifetime))
    throw_openssl_error("cannot set a certificate's notAfter");
}

bool add_extension(X509* cert, int nid, const std::string& value, X509* issuer = nullptr) {
  X509V3_CTX context;
  X509V3_set_ctx(&context, issuer ? issuer : cert, cert, nullptr, nullptr, 0);
  std::unique_ptr<X509_EXTENSION, ExtensionFree> ext(X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str()));
  return ext && X509_add_ext(cert, ext.get(), -1);
}

// A subjectAltName for `host` (an IP address one for a literal address, which
// browsers require where squid writes DNS:).
bool add_alt_name_for(X509* cert, const std::string& host) {
  boost::system::error_code not_an_address;
  boost::asio::ip::make_address(host, not_an_address);
  return add_extension(cert, NID_subject_alt_name, (not_an_address ? "DNS:" : "IP:") + host);
}

// The server's subjectAltName (unless the CN was set: browsers refuse a CN
// unrelated to the alternative names), key usage and basic constraints.
int mimic_extensions(X509* cert, const HostCertificateRequest& request) {
  int added = 0;
  for (int nid : {NID_key_usage, NID_ext_key_usage, NID_basic_constraints, NID_subject_alt_name}) {
    if (nid == NID_subject_alt_name && request.set_common_name) continue;
    if (X509_EXTENSION* ext = X509_get_ext(request.mimic, X509_get_ext_by_NID(request.mimic, nid, -1)))
      added += X509_add_ext(cert, ext, -1);
  }
  return added;
}

void describe(X509* cert, const HostCertificateRequest& request, X509* issuer) {
  if (request.mimic) X509_set_subject_name(cert, X509_get_subject_name(request.mimic));
  if (request.set_common_name || !request.mimic) set_common_name(cert, request.host);
  set_validity(cert, request, issuer);
  int added = request.mimic ? mimic_extensions(cert, request) : 0;
  const bool has_alt_names = X509_get_ext_by_NID(cert, NID_subject_alt_name, -1) >= 0;
  if (!has_alt_names && (request.set_common_name || !request.mimic)) added += add_alt_name_for(cert, request.host);
  if (issuer && issuer != cert) added += add_extension(cert, NID_authority_key_identifier, "keyid", issuer);
  if (added) X509_set_version(cert, 2);  // v3, which extensions require (RFC 5280)
}

// Signs a certificate with `serial` over `request`, by `issuer` or by itself.
X509Pointer build(const HostCertificateRequest& request, const SigningAuthority& ca, const BIGNUM* serial,
                  X509* issuer) {
  X509Pointer cert(X509_new());
  if (!cert || !X509_set_pubkey(cert.get(), ca.key.get())) throw_openssl_error("cannot make a certificate");
  if (!BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert.get()))) throw_openssl_error("cannot set a certificate's serial");
  describe(cert.get(), request, issuer);
  X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer ? issuer : cert.get()));
  if (!X509_sign(cert.get(), ca.key.get(), EVP_sha256())) throw_openssl_error("cannot sign a certificate");
  return cert;
}

// squid's createCertSerial: a SHA-1 digest as a positive 160-bit integer.
std::unique_ptr<BIGNUM, BnFree> serial_of(const unsigned char* digest, unsigned length) {
  std::unique_ptr<BIGNUM, BnFree> serial(BN_bin2bn(digest, static_cast<int>(length), nullptr));
  if (BN_is_zero(serial.get())) BN_one(serial.get());
  if (BN_is_bit_set(serial.get(), 159)) BN_clear_bit(serial.get(), 159);
  return serial;
}

// The same certificate made with serial 0, digested: equal requests get equal
// serials, different ones (almost surely) different serials.
std::unique_ptr<BIGNUM, BnFree> content_serial(const HostCertificateRequest& request, const SigningAuthority& ca,
                                                X509* issuer) {
  std::unique_ptr<BIGNUM, BnFree> zero(BN_new());
  BN_zero(zero.get());
  const auto draft = build(request, ca, zero.get(), issuer);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned length = 0;
  if (!X509_digest(draft.get(), EVP_sha1(), digest, &length)) throw_openssl_error("cannot digest a certificate");
  return serial_of(digest, length);
}

// squid's untrusted signing CA: the CA's subject with CN "Not trusted by
// "CA"", self-signed with the CA's key, which no client trusts.
X509Pointer untrusted_issuer(const SigningAuthority& ca) {
  char cn[256] = "";
  X509_NAME_get_text_by_NID(X509_get_subject_name(ca.cert.get()), NID_commonName, cn, sizeof cn);
  HostCertificateRequest request;
  request.host = cn[0] ? "Not trusted by \"" + std::string(cn) + "\"" : "Not trusted";
  request.mimic = ca.cert.get();
  request.set_common_name = true;
  request.signing = SigningMode::Self;
  return make_host_certificate(request, ca);
}

}  // namespace

SigningAuthority load_signing_authority(const std::string& cert_file, const std::string& key_file) {
  SigningAuthority ca;
  std::unique_ptr<BIO, BioFree> cert_bio(BIO_new_file(cert_file.c_str(), "r"));
  if (!cert_bio || !(ca.cert.reset(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr)), ca.cert))
    throw_openssl_error("cannot read the CA certificate " + cert_file);
  const auto& key = key_file.empty() ? cert_file : key_file;
  std::unique_ptr<BIO, BioFree> key_bio(BIO_new_file(key.c_str(), "r"));
  if (!key_bio || !(ca.key.reset(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr)), ca.key))
    throw_openssl_error("cannot read the CA key " + key);
  if (X509_check_private_key(ca.cert.get(), ca.key.get()) != 1) throw_openssl_error("the CA key " + key + " is not " + cert_file + "'s");
  return ca;
}

std::string host_certificate_key(const HostCertificateRequest& request) {
  std::string key = request.mimic ? hex_of_signature(request.mimic) : "/CN=" + request.host;
  if (request.set_valid_after) key += "+SetValidAfter=on";
  if (request.set_valid_before) key += "+SetValidBefore=on";
  if (request.set_common_name) key += "+SetCommonName=" + request.host;
  static constexpr const char* kSigning[] = {"signTrusted", "signUntrusted", "signSelf"};
  return key + "+Sign=" + kSigning[static_cast<int>(request.signing)];
}

X509Pointer make_host_certificate(const HostCertificateRequest& request, const SigningAuthority& ca) {
  X509Pointer untrusted = request.signing == SigningMode::Untrusted ? untrusted_issuer(ca) : nullptr;
  X509* issuer = request.signing == SigningMode::Self ? nullptr : untrusted ? untrusted.get() : ca.cert.get();
  const auto serial = content_serial(request, ca, issuer);
  return build(request, ca, serial.get(), issuer);
}

}  // namespace cuttle
