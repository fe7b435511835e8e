#include "proxy/server/tls_contexts.h"

#include <stdexcept>

namespace cuttle {

std::string ca_files_key(const std::vector<std::string>& cafiles) {
  std::string key;
  for (const auto& file : cafiles) key += "|" + file;
  return key;
}

std::shared_ptr<asio::ssl::context> TlsContexts::client_context(const std::vector<std::string>& cafiles) {
  std::lock_guard lock(mutex_);
  auto& slot = contexts_[ca_files_key(cafiles)];
  if (slot) return slot;
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                   asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
  ctx->set_default_verify_paths();
  for (const auto& cafile : cafiles) {
    error_code ec;
    ctx->load_verify_file(cafile, ec);
    if (ec) throw std::runtime_error("cannot load CA file " + cafile + ": " + ec.message());
  }
  ctx->set_verify_mode(asio::ssl::verify_peer);
  slot = std::move(ctx);
  return slot;
}

}  // namespace cuttle
