// One worker: a thread with its own io_context, its own SO_REUSEPORT listener on
// every http_port (the kernel spreads connections across workers), its own
// upstream connection pool. Workers share only the ProxyRuntime.
#pragma once

#include "proxy/server/client_session.h"
#include "proxy/server/icp_service.h"
#include "proxy/server/metrics_endpoint.h"

#include <atomic>
#include <memory>
#include <optional>
#include <thread>
#include <unordered_set>
#include <vector>

namespace cuttle {

// Throws std::runtime_error when another process already listens on the port.
// SO_REUSEPORT would otherwise let a second proxy silently share it.
void ensure_port_is_free(const HttpPortConfig& port);
// A listening socket for `port` (SO_REUSEPORT when `share_port`); throws
// std::runtime_error naming the port.
std::unique_ptr<tcp::acceptor> bind_listener(asio::io_context& ioc, const HttpPortConfig& port, bool share_port);

// An io_context whose unfinished work (handlers, the coroutine frames they own)
// can be destroyed before the I/O objects and services those frames refer to:
// ~io_context does it too, but only after every member of the Worker is gone.
class WorkerContext : public asio::io_context {
 public:
  using asio::io_context::io_context;
  void destroy_unfinished_work() { shutdown(); }  // idempotent; ~io_context calls it again
};

class Worker {
 public:
  Worker(ProxyRuntime& runtime, int index);
  ~Worker();

  // Binds every port and listens; throws std::runtime_error naming the port that failed.
  void listen(const std::vector<HttpPortConfig>& ports);
  // The same in two steps: bind (as root, before privileges are given up), then
  // listen once everything else is open (clients take a listening port as started).
  void bind(const std::vector<HttpPortConfig>& ports);
  void start_listening();
  // Makes this worker the one that owns the ICP socket; throws std::runtime_error.
  void open_icp(uint16_t port);
  IcpService* icp() { return icp_.get(); }
  // Makes this worker serve /metrics on `port` (prometheus_port); throws std::runtime_error.
  void open_metrics(const HttpPortConfig& port);
  void start();
  // Stops accepting and closes idle client connections; busy ones finish their
  // current transaction and close.
  void begin_shutdown();
  size_t live_sessions() const { return live_sessions_.load(); }
  void stop_and_join();

 private:
  awaitable<void> accept_loop(tcp::acceptor& acceptor, const HttpPortConfig& port);
  awaitable<void> housekeeping_loop();
  void collect_digest_nonces();
  std::chrono::steady_clock::time_point last_nonce_collection_ = std::chrono::steady_clock::now();

  ProxyRuntime& runtime_;
  int index_;
  // Its unfinished coroutine frames are destroyed first thing in ~Worker, while
  // everything they refer to (ICP client, pools, session registry) is alive.
  std::optional<WorkerContext> ioc_{std::in_place, 1};
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors_;
  std::vector<HttpPortConfig> ports_;
  std::unique_ptr<IcpService> icp_;  // only on the worker that owns ICP
  std::unique_ptr<MetricsEndpoint> metrics_;  // only on the worker that serves /metrics
  UpstreamPool pool_;
  dns::Resolver resolver_{ioc_->get_executor(), runtime_.addresses()};
  RelayBufferPool buffers_;
  WorkerHelpers helpers_{ioc_->get_executor(), runtime_.metrics().helpers()};  // after ioc_: its processes are reaped before ioc_ goes
  BumpCertificates bump_certificates_{runtime_.tls(), runtime_.metrics()};
  std::unordered_set<ClientSession*> sessions_;
  std::atomic<size_t> live_sessions_{0};
  WorkerServices services_;
  std::thread thread_;
};

}  // namespace cuttle
