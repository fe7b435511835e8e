#include "proxy/server/metrics_endpoint.h"

#include "proxy/config/acl/access_rules.h"
#include "proxy/http/header_rules.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

namespace cuttle {
namespace {

bool scrape_allowed(const Config& config, const asio::ip::address& client) {
  auto address = normalize_address(client);
  if (config.prometheus_access.empty()) return address.is_loopback();
  RequestFacts facts;
  facts.client = address;
  facts.method = "GET";
  facts.scheme = "http";
  facts.path = "/metrics";
  return check_access(config.prometheus_access, facts) == AccessDecision::Allow;
}

}  // namespace

MetricsEndpoint::MetricsEndpoint(std::unique_ptr<tcp::acceptor> acceptor, ProxyRuntime& runtime,
                                 std::function<ScrapeSources()> sources)
    : acceptor_(std::move(acceptor)), runtime_(runtime), sources_(std::move(sources)) {}

void MetricsEndpoint::start() { asio::co_spawn(acceptor_->get_executor(), accept_loop(), asio::detached); }

void MetricsEndpoint::close() {
  error_code ignored;
  acceptor_->close(ignored);
}

awaitable<void> MetricsEndpoint::accept_loop() {
  for (;;) {
    auto [ec, socket] = co_await acceptor_->async_accept(use_nothrow);
    if (ec == asio::error::operation_aborted || !acceptor_->is_open()) co_return;
    if (ec) continue;
    asio::co_spawn(acceptor_->get_executor(), serve(std::move(socket)), asio::detached);
  }
}

awaitable<void> MetricsEndpoint::serve(tcp::socket socket) {
  TcpStream stream(std::move(socket));
  beast::flat_buffer buffer;
  error_code ec;
  const auto client = stream.socket().remote_endpoint(ec).address();
  for (;;) {
    http::request_parser<http::empty_body> parser;
    parser.header_limit(16 * 1024);
    stream.expires_after(std::chrono::seconds(30));
    auto [rec, n] = co_await http::async_read_header(stream, buffer, parser, use_nothrow);
    if (rec) break;
    auto& req = parser.get();
    auto active = runtime_.active();
    http::response<http::string_body> res{http::status::ok, 11};
    res.set(http::field::server, active->product());
    std::string_view target = req.target();
    target = target.substr(0, target.find('?'));
    if (!scrape_allowed(*active->config, client)) {
      res.result(http::status::forbidden);
      res.body() = "Access denied by prometheus_access.\n";
    } else if (target != "/metrics") {
      res.result(http::status::not_found);
      res.body() = "Only /metrics is served here.\n";
    } else if (req.method() != http::verb::get && req.method() != http::verb::head) {
      res.result(http::status::method_not_allowed);
      res.set(http::field::allow, "GET, HEAD");
    } else {
      res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
      res.body() = runtime_.metrics().scrape(sources_());
    }
    if (res.result() != http::status::ok) res.set(http::field::content_type, "text/plain");
    const bool head = req.method() == http::verb::head;
    res.keep_alive(req.keep_alive() && !parser.chunked() && parser.content_length().value_or(0) == 0);
    res.prepare_payload();
    if (head) res.body().clear();
    stream.expires_after(std::chrono::seconds(30));
    auto [wec, wn] = co_await http::async_write(stream, res, use_nothrow);
    if (wec || !res.keep_alive()) break;
  }
  error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

}  // namespace cuttle
