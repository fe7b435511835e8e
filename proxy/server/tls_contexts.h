// Client-side TLS contexts for talking to https origins and TLS peers: the
// system's trust store plus an optional extra CA file, one context per CA file,
// shared by all workers (an SSL_CTX is safe to share once configured).
#pragma once

#include "proxy/server/asio_types.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace cuttle {

class TlsContexts {
 public:
  // Throws std::runtime_error when `cafile` cannot be loaded.
  std::shared_ptr<asio::ssl::context> client_context(const std::string& cafile);

 private:
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<asio::ssl::context>> contexts_;
};

}  // namespace cuttle
