// An https_port's OpenSSL context, made from its options as squid 5.7 makes it
// (Security::ServerOptions): certificate chain and key, options=, cipher=,
// tls-min-version=, tls-dh=, and client certificates when clientca= asks for them.
#pragma once

#include "proxy/config/tls_port_config.h"
#include "proxy/server/asio_types.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

namespace cuttle {

// Throws std::runtime_error saying which file or value OpenSSL refused.
std::shared_ptr<asio::ssl::context> make_server_tls_context(const ServerTlsConfig& tls);

// SslBump's context facing a client: `cert` with `key`, `issuer` sent along as
// its chain, under the port's options=, cipher=, tls-min-version= and tls-dh=.
// Throws std::runtime_error as above.
std::shared_ptr<asio::ssl::context> make_bumped_tls_context(const ServerTlsConfig& tls, X509* cert, EVP_PKEY* key,
                                                            X509* issuer);

// Throws std::runtime_error: `what`, then OpenSSL's reason (last_openssl_error).
[[noreturn]] void throw_openssl_error(const std::string& what);

// OpenSSL's reason for the last failure on this thread ("no such file", "key
// values mismatch"), emptying its error queue.
std::string last_openssl_error();

}  // namespace cuttle
