#include "proxy/server/bump_certificates.h"

#include "proxy/metrics/proxy_metrics.h"
#include "proxy/server/tls_server_context.h"

namespace cuttle {
namespace {

// What a kept context costs beyond its certificate's DER bytes: OpenSSL's
// SSL_CTX with its session cache and method tables. An estimate, not measured.
constexpr size_t kContextOverhead = 8 * 1024;

size_t cost_of(X509* cert) {
  const int der = i2d_X509(cert, nullptr);
  return kContextOverhead + static_cast<size_t>(der > 0 ? der : 0);
}

}  // namespace

std::shared_ptr<asio::ssl::context> BumpCertificates::context_for(const HttpPortConfig& port,
                                                                  const HostCertificateRequest& request) {
  const auto ca = tls_.signing_authority(port);
  if (!ca) return tls_.server_context(port);
  auto& cache = cache_of(port);
  const auto key = host_certificate_key(request);
  if (const auto* found = cache.find(key)) {
    metrics_.bump_certificate(true);
    return *found;
  }
  auto cert = make_host_certificate(request, *ca);
  auto context = make_bumped_tls_context(*port.tls, cert.get(), ca->key.get(),
                                         request.signing == SigningMode::Trusted ? ca->cert.get() : nullptr);
  metrics_.bump_certificate(false);
  cache.insert(key, context, cost_of(cert.get()));
  return context;
}

BumpCertificates::Cache& BumpCertificates::cache_of(const HttpPortConfig& port) {
  auto found = caches_.find(port.where);
  if (found == caches_.end()) found = caches_.emplace(port.where, Cache(port.tls->dynamic_cert_mem_cache_size)).first;
  return found->second;
}

}  // namespace cuttle
