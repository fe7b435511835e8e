// The /metrics listener (prometheus_port): its own TCP port, plain HTTP/1.1 with
// keep-alive, answering GET /metrics with ProxyMetrics::scrape() to clients that
// prometheus_access allows (none configured: loopback clients only).
#pragma once

#include "proxy/metrics/proxy_metrics.h"
#include "proxy/server/asio_types.h"
#include "proxy/server/runtime.h"

#include <functional>
#include <memory>

namespace cuttle {

class MetricsEndpoint {
 public:
  // `sources` is called on the endpoint's thread at every scrape.
  MetricsEndpoint(std::unique_ptr<tcp::acceptor> acceptor, ProxyRuntime& runtime,
                  std::function<ScrapeSources()> sources);
  void start();
  void close();

 private:
  awaitable<void> accept_loop();
  awaitable<void> serve(tcp::socket socket);

  std::unique_ptr<tcp::acceptor> acceptor_;
  ProxyRuntime& runtime_;
  std::function<ScrapeSources()> sources_;
};

}  // namespace cuttle
