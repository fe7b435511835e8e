#include "proxy/server/tls_contexts.h"

#include "proxy/server/tls_server_context.h"

#include <sys/stat.h>

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

namespace {

// Whoever reads a bumping port's CA key can impersonate every site to every
// client of this proxy: like ssh with its keys, cuttle refuses a key others may read.
void refuse_readable_ca_key(const HttpPortConfig& port) {
  const auto& key = port.tls->key_file.empty() ? port.tls->cert_file : port.tls->key_file;
  struct stat info {};
  if (::stat(key.c_str(), &info) == 0 && (info.st_mode & S_IROTH))
    throw std::runtime_error(port.where + ": http_port: the ssl-bump CA key " + key +
                             " is readable by other users; make it readable by root or the proxy user only "
                             "(chmod o-r)");
}

}  // namespace

void TlsContexts::prepare_server_contexts(const std::vector<HttpPortConfig>& ports) {
  for (const auto& port : ports) {
    if (!port.tls) continue;
    if (port.ssl_bump) refuse_readable_ca_key(port);
    try {
      server_contexts_[port.where] = make_server_tls_context(*port.tls);
      if (port.ssl_bump && port.tls->generate_host_certificates)
        signing_authorities_[port.where] =
            std::make_shared<const SigningAuthority>(load_signing_authority(port.tls->cert_file, port.tls->key_file));
    } catch (const std::exception& e) {
      throw std::runtime_error(port.where + (port.ssl_bump ? ": http_port: " : ": https_port: ") + e.what());
    }
  }
}

std::shared_ptr<asio::ssl::context> TlsContexts::server_context(const HttpPortConfig& port) const {
  auto found = server_contexts_.find(port.where);
  return found == server_contexts_.end() ? nullptr : found->second;
}

std::shared_ptr<const SigningAuthority> TlsContexts::signing_authority(const HttpPortConfig& port) const {
  auto found = signing_authorities_.find(port.where);
  return found == signing_authorities_.end() ? nullptr : found->second;
}

}  // namespace cuttle
