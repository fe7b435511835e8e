// TLS contexts. The server ones are the https_ports'. The client ones talk to
// https origins and TLS peers: the
// system's trust store plus the extra CA files configured (every one trusted, as
// squid's cafile= options add up), one context per set of files, shared by all
// workers (an SSL_CTX is safe to share once configured).
#pragma once

#include "proxy/config/config.h"
#include "proxy/server/asio_types.h"
#include "proxy/server/host_certificate.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace cuttle {

// "" for none, else "|file|file…": what tells one set of CA files from another.
std::string ca_files_key(const std::vector<std::string>& cafiles);

class TlsContexts {
 public:
  // Throws std::runtime_error when one of `cafiles` cannot be loaded.
  std::shared_ptr<asio::ssl::context> client_context(const std::vector<std::string>& cafiles);

  // Makes the context of every TLS port once, at start-up (as root: key files
  // are often readable by root only). Throws std::runtime_error naming the
  // port's line and what OpenSSL refused.
  void prepare_server_contexts(const std::vector<HttpPortConfig>& ports);
  // The context prepare_server_contexts() made for `port`; null for a plain port.
  std::shared_ptr<asio::ssl::context> server_context(const HttpPortConfig& port) const;
  // The CA that signs the certificates an ssl-bump port with
  // generate-host-certificates makes; null for any other port.
  std::shared_ptr<const SigningAuthority> signing_authority(const HttpPortConfig& port) const;

 private:
  // By the port's file:line; written before any worker starts, then only read.
  std::map<std::string, std::shared_ptr<asio::ssl::context>> server_contexts_;
  std::map<std::string, std::shared_ptr<const SigningAuthority>> signing_authorities_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<asio::ssl::context>> contexts_;
};

}  // namespace cuttle
