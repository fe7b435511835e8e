// The TLS contexts SslBump shows clients in the server's place: one per made
// certificate, kept per worker in a cache bounded by the port's
// dynamic_cert_mem_cache_size (squid keeps one per worker process too), so a
// site's certificate is made once and then found. Certificates are made
// in-process: squid's sslcrtd_program helper is not run.
#pragma once

#include "proxy/config/config.h"
#include "proxy/server/host_certificate.h"
#include "proxy/server/lru_by_bytes.h"
#include "proxy/server/tls_contexts.h"

#include <map>
#include <memory>
#include <string>

namespace cuttle {

class ProxyMetrics;

class BumpCertificates {
 public:
  BumpCertificates(TlsContexts& tls, ProxyMetrics& metrics) : tls_(tls), metrics_(metrics) {}

  // The context for a client of `port` that asked for `request.host`; the port's
  // own certificate when it has generate-host-certificates=off. Throws
  // std::runtime_error when OpenSSL cannot make one.
  std::shared_ptr<asio::ssl::context> context_for(const HttpPortConfig& port, const HostCertificateRequest& request);

 private:
  using Cache = LruByBytes<std::shared_ptr<asio::ssl::context>>;

  Cache& cache_of(const HttpPortConfig& port);

  TlsContexts& tls_;
  ProxyMetrics& metrics_;
  std::map<std::string, Cache> caches_;  // by the port's file:line
};

}  // namespace cuttle
