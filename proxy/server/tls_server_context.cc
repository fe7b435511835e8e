#include "proxy/server/tls_server_context.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <iostream>
#include <stdexcept>

namespace cuttle {
namespace {

// Clients resume sessions only inside the context they were made in; OpenSSL
// refuses a resumption with client certificates when it has no name.
constexpr std::string_view kDefaultSessionContext = "cuttle";

void load_certificate_and_key(SSL_CTX* ctx, const ServerTlsConfig& tls) {
  if (SSL_CTX_use_certificate_chain_file(ctx, tls.cert_file.c_str()) != 1)
    throw_openssl_error("cannot use tls-cert=" + tls.cert_file);
  const auto& key = tls.key_file.empty() ? tls.cert_file : tls.key_file;
  if (SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM) != 1) throw_openssl_error("cannot use tls-key=" + key);
  if (SSL_CTX_check_private_key(ctx) != 1) throw_openssl_error("tls-key=" + key + " does not match tls-cert=" + tls.cert_file);
}

void restrict_protocol(SSL_CTX* ctx, const ServerTlsConfig& tls) {
  SSL_CTX_set_options(ctx, tls.options | tls.version_options);
  if (tls.min_version && SSL_CTX_set_min_proto_version(ctx, tls.min_version) != 1)
    throw_openssl_error("cannot set tls-min-version");
  if (!tls.cipher.empty() && SSL_CTX_set_cipher_list(ctx, tls.cipher.c_str()) != 1)
    throw_openssl_error("no cipher of cipher=" + tls.cipher + " can be used");
}

// tls-dh=[curve:]file. As squid, a file that cannot be read is a warning: the
// ciphers that need it are then off.
void set_key_exchange(SSL_CTX* ctx, const ServerTlsConfig& tls) {
  if (!tls.dh_curve.empty() && SSL_CTX_set1_groups_list(ctx, tls.dh_curve.c_str()) != 1)
    throw_openssl_error("unknown tls-dh= curve '" + tls.dh_curve + "'");
  if (tls.dh_file.empty()) return;
  BIO* file = BIO_new_file(tls.dh_file.c_str(), "r");
  EVP_PKEY* params = file ? PEM_read_bio_Parameters(file, nullptr) : nullptr;
  BIO_free(file);
  if (!params || SSL_CTX_set0_tmp_dh_pkey(ctx, params) != 1) {
    if (params) EVP_PKEY_free(params);
    std::cerr << "cuttle: WARNING: Failed to read DH parameters '" << tls.dh_file << "' (" << last_openssl_error()
              << "); DHE ciphers are off" << std::endl;
  }
}

void trust_for_client_certificates(SSL_CTX* ctx, const ServerTlsConfig& tls) {
  auto cafiles = tls.cafiles;
  if (cafiles.empty()) cafiles.push_back(tls.clientca);
  for (const auto& file : cafiles)
    if (SSL_CTX_load_verify_locations(ctx, file.c_str(), nullptr) != 1) throw_openssl_error("cannot load tls-cafile=" + file);
  if (!tls.capath.empty() && SSL_CTX_load_verify_locations(ctx, nullptr, tls.capath.c_str()) != 1)
    throw_openssl_error("cannot use capath=" + tls.capath);
  if (tls.default_ca && SSL_CTX_set_default_verify_paths(ctx) != 1) throw_openssl_error("cannot load the system's CAs");
  X509_STORE* store = SSL_CTX_get_cert_store(ctx);
  if (!tls.crlfile.empty() &&
      X509_load_crl_file(X509_STORE_add_lookup(store, X509_LOOKUP_file()), tls.crlfile.c_str(), X509_FILETYPE_PEM) <= 0)
    throw_openssl_error("cannot load crlfile=" + tls.crlfile);
  if (tls.flags & kTlsVerifyCrl)
    X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK | (tls.flags & kTlsVerifyCrlAll ? X509_V_FLAG_CRL_CHECK_ALL : 0));
}

// clientca= asks clients for a certificate (squid's ConfigurePeerVerification):
// required unless sslflags= says CONDITIONAL_AUTH, DELAYED_AUTH or DONT_VERIFY_PEER.
void ask_for_client_certificates(SSL_CTX* ctx, const ServerTlsConfig& tls) {
  if (tls.clientca.empty()) {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
    return;
  }
  STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(tls.clientca.c_str());
  if (!names) throw_openssl_error("cannot read client CAs from clientca=" + tls.clientca);
  SSL_CTX_set_client_CA_list(ctx, names);
  int mode = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
  if (tls.flags & (kTlsDontVerifyPeer | kTlsDelayedAuth)) mode = SSL_VERIFY_NONE;
  else if (tls.flags & kTlsConditionalAuth) mode = SSL_VERIFY_PEER;
  SSL_CTX_set_verify(ctx, mode, nullptr);
  trust_for_client_certificates(ctx, tls);
}

void set_sessions(SSL_CTX* ctx, const ServerTlsConfig& tls) {
  const std::string_view id = tls.session_context.empty() ? kDefaultSessionContext : tls.session_context;
  if (id.size() > SSL_MAX_SID_CTX_LENGTH || SSL_CTX_set_session_id_context(ctx, reinterpret_cast<const unsigned char*>(id.data()), static_cast<unsigned>(id.size())) != 1)
    throw_openssl_error("sslcontext= is longer than " + std::to_string(SSL_MAX_SID_CTX_LENGTH) + " characters");
  if (tls.flags & kTlsNoSessionReuse) SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
}

}  // namespace

void throw_openssl_error(const std::string& what) { throw std::runtime_error(what + ": " + last_openssl_error()); }

std::string last_openssl_error() {
  std::string reason;
  while (unsigned long code = ERR_get_error()) {
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    reason = text;  // the last one is the closest to the call that failed
  }
  return reason.empty() ? "unknown error" : reason;
}

std::shared_ptr<asio::ssl::context> make_server_tls_context(const ServerTlsConfig& tls) {
  ERR_clear_error();
  auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  SSL_CTX* ctx = context->native_handle();
  // An idle kept-alive connection then holds no TLS record buffers.
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
  load_certificate_and_key(ctx, tls);
  restrict_protocol(ctx, tls);
  set_key_exchange(ctx, tls);
  ask_for_client_certificates(ctx, tls);
  set_sessions(ctx, tls);
  return context;
}

std::shared_ptr<asio::ssl::context> make_bumped_tls_context(const ServerTlsConfig& tls, X509* cert, EVP_PKEY* key,
                                                            X509* issuer) {
  ERR_clear_error();
  auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  SSL_CTX* ctx = context->native_handle();
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
  if (SSL_CTX_use_certificate(ctx, cert) != 1 || SSL_CTX_use_PrivateKey(ctx, key) != 1)
    throw_openssl_error("cannot use a made certificate");
  if (issuer && SSL_CTX_add1_chain_cert(ctx, issuer) != 1) throw_openssl_error("cannot chain the signing CA");
  restrict_protocol(ctx, tls);
  set_key_exchange(ctx, tls);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  set_sessions(ctx, tls);
  return context;
}

}  // namespace cuttle
