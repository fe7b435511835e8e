// Client-side TLS contexts for talking to https origins and TLS peers: the
// system's trust store plus the extra CA files configured (every one trusted, as
// squid's cafile= options add up), one context per set of files, shared by all
// workers (an SSL_CTX is safe to share once configured).
#pragma once

#include "proxy/server/asio_types.h"

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

 private:
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<asio::ssl::context>> contexts_;
};

}  // namespace cuttle
