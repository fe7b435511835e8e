#include "proxy/server/worker.h"

#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/steady_timer.hpp>

#include <netinet/in.h>
#include <sys/socket.h>

#include <iostream>

namespace cuttle {
namespace {

using reuse_port = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

tcp::endpoint endpoint_for(const HttpPortConfig& port) {
  if (port.address.empty()) return {asio::ip::address_v6::any(), port.port};
  return {asio::ip::make_address(port.address), port.port};
}

// A tproxy port takes connections addressed to anyone (IP_TRANSPARENT; for a
// dual-stack socket IPV6_TRANSPARENT as well). Needs CAP_NET_ADMIN.
error_code accept_for_any_address(tcp::acceptor& acceptor, const tcp::endpoint& endpoint) {
  const int on = 1;
  const int fd = acceptor.native_handle();
  const bool v6 = endpoint.address().is_v6();
  if (::setsockopt(fd, SOL_IP, IP_TRANSPARENT, &on, sizeof on) != 0 && !v6)
    return error_code(errno, boost::system::system_category());
  if (v6 && ::setsockopt(fd, SOL_IPV6, IPV6_TRANSPARENT, &on, sizeof on) != 0)
    return error_code(errno, boost::system::system_category());
  return {};
}

// Opens and binds `port` without listening; with `share_port`, SO_REUSEPORT lets
// every worker bind it too. Throws std::runtime_error naming the port and the
// system's reason.
std::unique_ptr<tcp::acceptor> bind_port(asio::io_context& ioc, const HttpPortConfig& port, bool share_port,
                                         bool listen) {
  auto acceptor = std::make_unique<tcp::acceptor>(ioc);
  auto endpoint = endpoint_for(port);
  error_code ec;
  acceptor->open(endpoint.protocol(), ec);
  if (ec && endpoint.address().is_v6() && endpoint.address().is_unspecified()) {
    // No IPv6 on this host: "every interface" means every IPv4 interface.
    endpoint = tcp::endpoint(asio::ip::address_v4::any(), endpoint.port());
    ec.clear();
    acceptor->open(endpoint.protocol(), ec);
  }
  if (!ec && endpoint.address().is_v6()) acceptor->set_option(asio::ip::v6_only(false), ec);
  if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec && share_port) acceptor->set_option(reuse_port(true), ec);
  if (!ec && port.tproxy) ec = accept_for_any_address(*acceptor, endpoint);
  if (!ec) acceptor->bind(endpoint, ec);
  if (!ec && listen) acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error(port.where + ": cannot listen on http_port " +
                             (port.address.empty() ? "" : port.address + ":") + std::to_string(port.port) + ": " +
                             ec.message());
  return acceptor;
}

}  // namespace

std::unique_ptr<tcp::acceptor> bind_listener(asio::io_context& ioc, const HttpPortConfig& port, bool share_port) {
  return bind_port(ioc, port, share_port, /*listen=*/true);
}

void ensure_port_is_free(const HttpPortConfig& port) {
  // Binding alone fails while anyone listens on the port (with or without
  // SO_REUSEPORT). A probe that also listened would accept clients' connections
  // into its backlog and reset them when closed a moment later: a client that
  // connects while cuttle starts must reach a worker or be refused, never be reset.
  asio::io_context ioc;
  bind_port(ioc, port, /*share_port=*/false, /*listen=*/false);  // closed again at once
}

Worker::Worker(ProxyRuntime& runtime, int index)
    : runtime_(runtime),
      index_(index),
      services_{runtime, pool_, resolver_, buffers_, helpers_, bump_certificates_, [this](ClientSession* s) { sessions_.insert(s); },
                [this](ClientSession* s) { sessions_.erase(s); }} {}

Worker::~Worker() {
  stop_and_join();
  ioc_->destroy_unfinished_work();
  // I/O objects go before their io_context's services do.
  acceptors_.clear();
  icp_.reset();
  metrics_.reset();
  pool_.clear();
  helpers_.clear();  // the helpers' pipes and pidfds are the io_context's descriptors
  resolver_.shut_down();  // so are c-ares' sockets and timer
  ioc_.reset();
}

void Worker::listen(const std::vector<HttpPortConfig>& ports) {
  bind(ports);
  start_listening();
}

void Worker::bind(const std::vector<HttpPortConfig>& ports) {
  ports_ = ports;  // sessions keep references to these: never resized after this
  for (const auto& port : ports_) acceptors_.push_back(bind_port(*ioc_, port, /*share_port=*/true, /*listen=*/false));
}

void Worker::start_listening() {
  for (size_t i = 0; i < acceptors_.size(); ++i) {
    error_code ec;
    acceptors_[i]->listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
      throw std::runtime_error(ports_[i].where + ": cannot listen on http_port " + std::to_string(ports_[i].port) +
                               ": " + ec.message());
  }
}

void Worker::open_icp(uint16_t port) { icp_ = std::make_unique<IcpService>(*ioc_, runtime_, port); }

void Worker::open_metrics(const HttpPortConfig& port) {
  metrics_ = std::make_unique<MetricsEndpoint>(bind_listener(*ioc_, port, /*share_port=*/false), runtime_, [this] {
    ScrapeSources sources;
    sources.store = runtime_.store();
    sources.icp = icp_ ? &icp_->counters() : nullptr;
    sources.icp_client = icp_ ? &icp_->client_counters() : nullptr;
    sources.peers = peers_up(*runtime_.active()->config, runtime_.peer_health(), runtime_.icp() != nullptr,
                             std::chrono::steady_clock::now());
    sources.collapsed_in_flight = runtime_.collapsed().in_flight();
    return sources;
  });
}

void Worker::start() {
  if (icp_) icp_->start(*ioc_);
  if (metrics_) metrics_->start();
  for (size_t i = 0; i < acceptors_.size(); ++i)
    asio::co_spawn(*ioc_, accept_loop(*acceptors_[i], ports_[i]), asio::detached);
  asio::co_spawn(*ioc_, housekeeping_loop(), asio::detached);
  asio::post(*ioc_, [this] { helpers_.use(runtime_.active()->config); });  // startup= helpers
  thread_ = std::thread([this] { ioc_->run(); });
}

awaitable<void> Worker::accept_loop(tcp::acceptor& acceptor, const HttpPortConfig& port) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(use_nothrow);
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) {
      // Out of descriptors or similar: back off instead of spinning.
      std::cerr << "cuttle: worker " << index_ << ": accept failed: " << ec.message() << std::endl;
      asio::steady_timer pause(*ioc_, std::chrono::milliseconds(100));
      co_await pause.async_wait(use_nothrow);
      continue;
    }
    ++live_sessions_;
    auto session = std::make_shared<ClientSession>(std::move(socket), port, services_);
    asio::co_spawn(*ioc_, [session]() -> awaitable<void> { co_await session->run(); },
                   [this](std::exception_ptr e) {
                     --live_sessions_;
                     if (e) {
                       try {
                         std::rethrow_exception(e);
                       } catch (const std::exception& ex) {
                         std::cerr << "cuttle: session failed: " << ex.what() << std::endl;
                       }
                     }
                   });
  }
}

awaitable<void> Worker::housekeeping_loop() {
  asio::steady_timer timer(*ioc_);
  for (;;) {
    timer.expires_after(std::chrono::seconds(1));
    auto [ec] = co_await timer.async_wait(use_nothrow);
    if (ec) co_return;
    pool_.sweep(runtime_.active()->config->server_idle_pconn_timeout);
    // A reconfigured helper set starts its startup= processes without waiting for a request.
    helpers_.use(runtime_.active()->config);
    helpers_.collect_garbage();
    collect_digest_nonces();
  }
}

// Squid's nonce garbage collection, every nonce_garbage_interval (any worker's
// turn does it for all: the nonces are shared).
void Worker::collect_digest_nonces() {
  const auto* digest = runtime_.active()->config->auth.active_digest();
  const auto now = std::chrono::steady_clock::now();
  if (!digest || now - last_nonce_collection_ < digest->nonce_garbage_interval) return;
  last_nonce_collection_ = now;
  runtime_.digest_nonces().collect(digest->nonces, std::chrono::system_clock::now());
}

void Worker::begin_shutdown() {
  asio::post(*ioc_, [this] {
    for (auto& acceptor : acceptors_) {
      error_code ec;
      acceptor->close(ec);
    }
    if (icp_) icp_->close();
    if (metrics_) metrics_->close();
    for (auto* session : sessions_) session->close_if_idle();
    pool_.clear();
  });
}

void Worker::stop_and_join() {
  ioc_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace cuttle
