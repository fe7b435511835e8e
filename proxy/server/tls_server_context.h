// An https_port's OpenSSL context, made from its options as squid 5.7 makes it
// (Security::ServerOptions): certificate chain and key, options=, cipher=,
// tls-min-version=, tls-dh=, and client certificates when clientca= asks for them.
#pragma once

#include "proxy/config/tls_port_config.h"
#include "proxy/server/asio_types.h"

#include <memory>

namespace cuttle {

// Throws std::runtime_error saying which file or value OpenSSL refused.
std::shared_ptr<asio::ssl::context> make_server_tls_context(const ServerTlsConfig& tls);

// OpenSSL's reason for the last failure on this thread ("no such file", "key
// values mismatch"), emptying its error queue.
std::string last_openssl_error();

}  // namespace cuttle
