#include "proxy/server/client_session.h"

#include <boost/asio/steady_timer.hpp>

#include <thread>
#include <iostream>

#include "proxy/http/error_page.h"
#include "proxy/http/http_date.h"
#include "proxy/http/header_rules.h"
#include "proxy/http/request_facts.h"
#include "proxy/http/request_target.h"
#include "proxy/server/known_target.h"
#include "proxy/server/forward_reports.h"
#include "proxy/server/forwarder.h"
#include "proxy/server/cache_manager.h"
#include "proxy/server/cache_manager_password.h"
#include "proxy/server/pac_file.h"
#include "proxy/http/header_text.h"
#include "proxy/http/request_line.h"
#include "proxy/peers/peer_requests.h"
#include "proxy/server/next_hops.h"
#include "proxy/server/tunnel.h"

namespace cuttle {
namespace {

// Squid's getMyPort: the first http_port that is not an accelerator's names this
// proxy in its own URLs; else the port the request came in on.
uint16_t own_port(const Config& config, const HttpPortConfig& arrival) {
  for (const auto& port : config.http_ports)
    if (!port.accel) return port.port;
  return arrival.port;
}

}  // namespace

// Beast reads at most a buffer's spare capacity (512 bytes when empty); browsers'
// request headers are mostly under this.
constexpr size_t kRequestReadSize = 4096;
// Room beyond the header limit for one relay-sized read of a request body.
constexpr size_t kRequestBodyBufferSlack = RelayBufferPool::kBufferSize;


ClientSession::ClientSession(tcp::socket socket, const HttpPortConfig& port, WorkerServices& services)
    : stream_(std::move(socket)), port_(port), services_(services) {
  error_code ec;
  auto remote = stream_.socket().remote_endpoint(ec);
  client_address_ = normalize_address(remote.address());
  client_ip_ = client_address_.to_string();
  stream_.socket().set_option(tcp::no_delay(true), ec);
}

void ClientSession::close_if_idle() {
  if (!idle_) return;
  error_code ec;
  stream_.socket().close(ec);
}

awaitable<void> ClientSession::run() {
  services_.on_start(this);
  // Deregister however the loop ends (an exception included): the worker walks
  // its registered sessions at shutdown.
  struct Deregister {
    ClientSession* session;
    ~Deregister() { session->services_.on_finish(session); }
  } deregister{this};
  bool first = true;
  for (;;) {
    Transaction tx;
    tx.active = services_.runtime.active();
    const Config& config = *tx.active->config;
    http::request_parser<http::empty_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(std::min<uint64_t>(config.request_header_max_size, UINT32_MAX)));
    parser.body_limit(boost::none);
    // Beast's parser asks for more bytes until a chunk-size line or a trailer
    // section ends: without a cap the buffer would grow as long as a client sends.
    buffer_.max_size(config.request_header_max_size + kRequestBodyBufferSlack);
    // The first request gets request_timeout; a kept-alive connection waiting for
    // its next request gets client_idle_pconn_timeout.
    stream_.expires_after(first ? config.request_timeout : config.client_idle_pconn_timeout);
    idle_ = buffer_.size() == 0;
    buffer_.reserve(kRequestReadSize);  // a typical request header in one read
    if (idle_ && services_.runtime.shutting_down()) break;
    auto [ec, n] = co_await http::async_read_header(stream_, buffer_, parser, use_nothrow);
    idle_ = false;
    // Shutdown closed this connection while it waited: nothing more to do.
    if (!stream_.socket().is_open()) break;
    // The request is judged by the configuration in force when it arrived.
    tx.active = services_.runtime.active();
    tx.start = std::chrono::steady_clock::now();
    tx.entry.client_ip = client_ip_;
    if (ec) {
      if (!parser.got_some() && buffer_.size() == 0) break;  // closed or idle timeout: nothing to answer
      if (ec == http::error::header_limit) {
        tx.entry.url = "error:request-too-large";
        co_await reply_error(ErrorKind::HeadersTooLarge, tx, false);
      } else if (ec == http::error::bad_version) {
        // Beast takes HTTP/1.0 and 1.1 only; another major version (HTTP/2.0 sent
        // in clear) gets 505 as from Squid, a garbled version 400.
        const auto data = buffer_.data();
        auto major = request_line_major_version({static_cast<const char*>(data.data()), data.size()});
        tx.entry.url = "error:invalid-request";
        co_await reply_error(major && *major != 1 ? ErrorKind::UnsupportedHttpVersion : ErrorKind::InvalidRequest, tx,
                             false, ec.message());
      } else if (ec != beast::error::timeout && ec != http::error::end_of_stream &&
                 ec.category() == http::make_error_code(http::error::bad_method).category()) {
        tx.entry.url = "error:invalid-request";
        co_await reply_error(ErrorKind::InvalidRequest, tx, false, ec.message());
      }
      break;  // timeouts and resets mid-header: just close
    }
    first = false;
    bool keep_going = co_await handle(parser, tx);
    if (!keep_going) break;
    // An idle connection keeps no relay-sized buffer.
    if (buffer_.capacity() > kIdleBufferCapacity) buffer_.shrink_to_fit();
  }
  error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream_.socket().close(ignored);
}

awaitable<bool> ClientSession::reply_error(ErrorKind kind, Transaction& tx, bool keep_alive, std::string detail) {
  ErrorContext context{tx.entry.url, client_ip_, tx.active->hostname, std::move(detail)};
  auto response = make_error_response(kind, context);
  keep_alive = keep_alive && tx.client_keep_alive && !services_.runtime.shutting_down();
  response.keep_alive(keep_alive);
  if (tx.active->config->via) append_via(response, 11, tx.active->hostname);
  stream_.expires_after(tx.active->config->read_timeout);
  auto [ec, n] = co_await http::async_write(stream_, response, use_nothrow);
  tx.entry.status = response.result_int();
  tx.entry.reply_bytes = n;
  tx.entry.content_type = "text/html";
  if (tx.entry.result == ResultCode::None && kind == ErrorKind::AccessDenied) tx.entry.result = ResultCode::TcpDenied;
  log(tx);
  co_return keep_alive && !ec;
}

awaitable<bool> ClientSession::serve_pac_file(http::request_parser<http::empty_body>& parser, Transaction& tx,
                                              bool keep_alive) {
  const Config& config = *tx.active->config;
  auto& req = parser.get();
  // The PAC file's URL as a browser wrote it: the site in Host, else this proxy.
  auto target = parse_absolute_target("http://" + std::string(req[http::field::host]) + std::string(req.target())).target;
  if (!target) target = RequestTarget{"http", tx.active->hostname, port_.port, std::string(req.target())};
  tx.entry.url = target->url();
  if (check_access(config.http_access, request_facts(*target, tx.entry.method, client_address_)) ==
      AccessDecision::Deny)
    co_return co_await reply_error(ErrorKind::AccessDenied, tx, keep_alive);
  auto res = pac_response(tx.active->pac_script, req.method() == http::verb::head);
  co_return co_await send_own_reply(res, tx, keep_alive);
}

awaitable<bool> ClientSession::send_own_reply(http::response<http::string_body>& res, Transaction& tx,
                                              bool keep_alive) {
  res.keep_alive(keep_alive && tx.client_keep_alive && !services_.runtime.shutting_down());
  stream_.expires_after(tx.active->config->read_timeout);
  auto [ec, n] = co_await http::async_write(stream_, res, use_nothrow);
  tx.entry.result = ResultCode::TcpMiss;  // as Squid logs its internal objects
  tx.entry.status = res.result_int();
  tx.entry.reply_bytes = n;
  tx.entry.content_type = std::string(media_type(res[http::field::content_type]));
  log(tx);
  co_return res.keep_alive() && !ec;
}

awaitable<bool> ClientSession::serve_cache_manager(const ManagerRequest& manager,
                                                   http::request_parser<http::empty_body>& parser, Transaction& tx,
                                                   bool keep_alive) {
  const Config& config = *tx.active->config;
  const std::string& action = manager.action;
  auto& req = parser.get();
  if (!manager.url) co_return co_await reply_error(ErrorKind::InvalidUrl, tx, keep_alive);
  tx.entry.url = manager.url->url();  // a relative URL is logged as this proxy's, as by Squid
  if (check_access(config.http_access, request_facts(*manager.url, tx.entry.method, client_address_)) ==
      AccessDecision::Deny)
    co_return co_await reply_error(ErrorKind::AccessDenied, tx, keep_alive, "the cache manager is not for this client");
  // Squid logs what it answers itself, errors included, as TCP_MISS.
  tx.entry.result = ResultCode::TcpMiss;
  // Squid takes a Basic Authorization's password over the URL's.
  auto supplied = basic_auth_password(req[http::field::authorization]);
  if (!supplied) supplied = manager.password;
  const auto access = check_cachemgr_password(config.cachemgr_passwd, action, supplied);
  if (!cache_manager_action_exists(action) || access == ManagerAccess::Disabled)
    co_return co_await reply_error(ErrorKind::CacheMgrActionUnavailable, tx, keep_alive,
                                   "no cache manager action '" + action + "' is available");
  if (access == ManagerAccess::Unauthorized) {
    std::cerr << "cuttle: CacheManager: " << client_ip_ << ": "
              << (supplied && !supplied->empty() ? "incorrect password" : "password needed") << " for '" << action
              << "'" << std::endl;
    co_return co_await reply_error(ErrorKind::CacheMgrAccessDenied, tx, keep_alive, action);
  }
  ManagerFigures figures;
  figures.version = CUTTLE_VERSION_STRING;
  figures.start_time = services_.runtime.start_time();
  figures.now = std::chrono::system_clock::now();
  figures.totals = services_.runtime.metrics().totals();
  if (auto* store = services_.runtime.store()) figures.store = store->stats();
  figures.workers = config.workers > 0 ? config.workers : static_cast<int>(std::thread::hardware_concurrency());
  figures.passwords = &config.cachemgr_passwd;
  auto report = cache_manager_report(action, figures);
  http::response<http::string_body> res{http::status::ok, 11};
  res.set(http::field::server, kProductToken);
  res.set(http::field::date, http_date(figures.now));
  res.set(http::field::content_type, "text/plain");
  res.set(http::field::cache_control, "no-store");
  res.body() = report.value_or("");
  res.prepare_payload();
  co_return co_await send_own_reply(res, tx, keep_alive);
}

awaitable<bool> ClientSession::purge(const RequestTarget& target, Transaction& tx, bool keep_alive) {
  const Config& config = *tx.active->config;
  if (!config.purge_enabled) {
    tx.entry.result = ResultCode::TcpDenied;
    co_return co_await reply_error(ErrorKind::AccessDenied, tx, keep_alive, "PURGE is not enabled by any ACL");
  }
  bool removed = false;
  if (auto* store = services_.runtime.store()) {
    // The store answers on its writer thread; the result is posted back here.
    struct Wait {
      explicit Wait(const asio::any_io_executor& ex) : wake(ex) {}
      asio::steady_timer wake;
      bool removed = false;
    };
    auto executor = co_await asio::this_coro::executor;
    auto wait = std::make_shared<Wait>(executor);
    wait->wake.expires_after(std::chrono::seconds(30));
    store->remove_with_variants(target.url(), [wait, executor](bool any) {
      asio::post(executor, [wait, any] {
        wait->removed = any;
        wait->wake.cancel();
      });
    });
    co_await wait->wake.async_wait(use_nothrow);
    removed = wait->removed;
  }
  http::response<http::empty_body> res{removed ? http::status::ok : http::status::not_found, 11};
  res.set(http::field::server, kProductToken);
  res.set(http::field::date, http_date(std::chrono::system_clock::now()));
  res.content_length(0);
  res.keep_alive(keep_alive && !services_.runtime.shutting_down());
  stream_.expires_after(config.read_timeout);
  auto [ec, n] = co_await http::async_write(stream_, res, use_nothrow);
  tx.entry.result = ResultCode::TcpMiss;
  tx.entry.status = res.result_int();
  tx.entry.reply_bytes = n;
  log(tx);
  co_return res.keep_alive() && !ec;
}

awaitable<bool> ClientSession::answer_as_final_recipient(const http::request<http::empty_body>& req, Transaction& tx,
                                                         bool keep_alive) {
  http::response<http::string_body> res{http::status::ok, 11};
  res.set(http::field::server, kProductToken);
  res.set(http::field::date, http_date(std::chrono::system_clock::now()));
  if (req.method() == http::verb::trace) {
    // RFC 9110 §9.3.8: the request as received, less the fields that carry
    // credentials (a script must not read them back through TRACE).
    http::request<http::empty_body> echo = req;
    for (auto field : {http::field::authorization, http::field::proxy_authorization, http::field::cookie})
      echo.erase(field);
    res.set(http::field::content_type, "message/http");
    res.body() = header_text(echo);
  } else {
    // What this proxy accepts: any method is forwarded; PURGE only when an ACL enables it.
    res.set(http::field::allow, tx.active->config->purge_enabled
                                    ? "GET, HEAD, POST, PUT, DELETE, OPTIONS, TRACE, CONNECT, PURGE"
                                    : "GET, HEAD, POST, PUT, DELETE, OPTIONS, TRACE, CONNECT");
  }
  res.prepare_payload();
  co_return co_await send_own_reply(res, tx, keep_alive);
}

void ClientSession::log(Transaction& tx) {
  tx.entry.end_time = std::chrono::system_clock::now();
  tx.entry.elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - tx.start);
  if (tx.active->config->strip_query_terms) tx.entry.url = strip_query(tx.entry.url);
  services_.runtime.access_log().write(tx.entry);
  services_.runtime.metrics().record(tx.entry);
}

awaitable<bool> ClientSession::handle(http::request_parser<http::empty_body>& parser, Transaction& tx) {
  const ActiveConfig& active = *tx.active;
  const Config& config = *active.config;
  auto& req = parser.get();
  tx.entry.method = std::string(req.method_string());
  tx.entry.url = std::string(req.target());
  tx.client_keep_alive = req.keep_alive();
  const bool is_connect = req.method() == http::verb::connect;
  const bool has_body = parser.chunked() || parser.content_length().value_or(0) > 0;

  if (auto problem = request_framing_problem(req)) {
    co_return co_await reply_error(problem->status == 501 ? ErrorKind::UnsupportedRequest : ErrorKind::InvalidRequest,
                                   tx, false, problem->what);
  }

  // RFC 9112 §3.2: exactly one Host in HTTP/1.1. Two Hosts are also how caches
  // get poisoned (front and back ends picking different ones).
  auto host_count = req.count(http::field::host);
  if (host_count > 1 || (host_count == 0 && req.version() >= 11 && !is_connect))
    co_return co_await reply_error(ErrorKind::InvalidRequest, tx, false,
                                   host_count ? "more than one Host header" : "HTTP/1.1 request without Host");

  if (has_unsupported_expectation(req))
    co_return co_await reply_error(ErrorKind::ExpectationFailed, tx, false, "Expect: " + std::string(req[http::field::expect]));

  if (is_connect && port_.accel) {
    // As Squid: an accelerator port must not become a tunnel to anywhere.
    co_return co_await reply_error(ErrorKind::MethodNotAllowed, tx, false, "CONNECT on an accelerator port");
  }

  if (auto manager = parse_cache_manager_target(req.target(), active.hostname, own_port(config, port_)))
    co_return co_await serve_cache_manager(*manager, parser, tx, !has_body);

  // A browser fetching the PAC/WPAD file from the proxy as from a web server.
  if (!port_.accel && !is_connect && is_pac_request(req.method(), req.target()))
    co_return co_await serve_pac_file(parser, tx, !has_body);

  std::shared_ptr<const KnownTarget> known;
  if (is_connect) known = std::make_shared<const KnownTarget>(known_target(parse_connect_target(req.target())));
  else if (port_.accel)
    known = std::make_shared<const KnownTarget>(
        known_target(parse_accel_target(req.target(), req[http::field::host], port_)));
  else known = known_absolute_target(req.target());
  const TargetResult& parsed = known->parsed;
  if (!parsed.target) {
    auto kind = parsed.problem == TargetProblem::UnsupportedScheme ? ErrorKind::UnsupportedRequest : ErrorKind::InvalidUrl;
    co_return co_await reply_error(kind, tx, !has_body);
  }
  const RequestTarget& target = *parsed.target;
  tx.entry.url = known->url;

  RequestFacts facts = request_facts(target, tx.entry.method, client_address_);
  if (rules_need_destinations(config.http_access) && !target.is_ip_literal()) {
    auto resolved = co_await services_.resolver.resolve(target.host, config.dns_timeout, config.positive_dns_ttl);
    facts.destinations.emplace();
    for (const auto& a : resolved.addresses) facts.destinations->push_back(normalize_address(a));
  }
  if (check_access(config.http_access, facts) == AccessDecision::Deny) {
    tx.entry.result = ResultCode::TcpDenied;
    co_return co_await reply_error(ErrorKind::AccessDenied, tx, !has_body);
  }

  if (via_names(joined_values(req, "Via"), active.hostname, kProductToken)) {
    std::cerr << "cuttle: WARNING: Forwarding loop detected for: " << tx.entry.url << std::endl;
    co_return co_await reply_error(ErrorKind::ForwardingLoop, tx, !has_body);
  }

  if (max_forwards(req.method(), req) == 0u) co_return co_await answer_as_final_recipient(req, tx, !has_body);

  ClientSide client{stream_, buffer_, client_ip_};
  if (req.method_string() == "PURGE") co_return co_await purge(target, tx, !has_body);
  if (is_connect) {
    UpstreamSpec spec{target.host, target.port, false, {}, std::nullopt};
    auto outcome = co_await run_tunnel(client, spec, config, services_);
    if (outcome.error) {
      tx.entry.result = ResultCode::TcpTunnel;
      co_return co_await reply_error(*outcome.error, tx, false, outcome.error_detail);
    }
    tx.entry.result = ResultCode::TcpTunnel;
    tx.entry.status = 200;
    tx.entry.reply_bytes = outcome.bytes_to_client;
    tx.entry.hierarchy = {Hierarchy::Direct};
    tx.entry.peer = outcome.server_address;
    log(tx);
    co_return false;
  }

  // A hit needs no next hop: peers are selected (and asked over ICP) only for
  // what goes upstream, as Squid's peer selection starts only for a miss.
  store::ObjectCache* store = services_.runtime.store();
  if (store && (req.method() == http::verb::get || req.method() == http::verb::head))
    co_return co_await through_cache(*store, target, parser, facts, has_body, tx);
  auto plan = co_await plan_forwarding(target, req.base(), facts, tx);
  if (!plan) co_return co_await reply_error(ErrorKind::CannotForward, tx, !has_body);
  co_return co_await forward(parser, *plan, target, tx);
}

awaitable<std::optional<ForwardPlan>> ClientSession::plan_forwarding(const RequestTarget& target,
                                                                     const http::request_header<>& request,
                                                                     const RequestFacts& facts, Transaction& tx) {
  const ActiveConfig& active = *tx.active;
  if (port_.accel && active.origin_server) {
    const auto& peer = *active.origin_server;
    ForwardPlan plan;
    plan.upstream = UpstreamSpec{peer.host, peer.http_port, peer.tls, peer.tls_cafile, peer.connect_timeout};
    plan.host_header = peer.forceddomain.empty() ? target.authority() : peer.forceddomain;
    plan.hierarchy = {Hierarchy::FirstupParent};
    plan.request_target = target.path;
    co_return plan;
  }
  tx.next_hops = co_await choose_next_hops(active, target, request, facts, services_);
  if (tx.next_hops.empty()) co_return std::nullopt;
  co_return tx.next_hops.front();
}

awaitable<bool> ClientSession::forward(http::request_parser<http::empty_body>& parser, const ForwardPlan& plan,
                                       const RequestTarget& target, Transaction& tx) {
  const bool safe_method = is_safe_method(parser.get().method());
  const bool has_body = parser.chunked() || parser.content_length().value_or(0) > 0;
  ClientSide client{stream_, buffer_, client_ip_};
  // The forwarder consumes the parsed header; a retry parses the same bytes again.
  std::string header_text;
  if (tx.next_hops.size() > 1 && !has_body) header_text = cuttle::header_text(parser.get());
  std::optional<http::request_parser<http::empty_body>> again;
  auto* current = &parser;
  ForwardPlan attempt = plan;
  ForwardOutcome outcome;
  for (size_t hop = 0;; ++hop) {
    outcome = co_await forward_request(&client, client_ip_, *current, attempt, *tx.active, services_);
    report_hop_attempt(services_.runtime, attempt, outcome);
    // A failed attempt sent nothing to the client: the next hop may have it, unless
    // the body is gone or an unsafe request may already have reached a server.
    const bool next_exists = hop + 1 < tx.next_hops.size();
    if (!outcome.error || !next_exists || header_text.empty()) break;
    if (!safe_method && !outcome.server_address.empty()) break;
    again.emplace();
    if (!parse_request_header(header_text, *again)) break;
    current = &*again;
    // The next hop; what is done with the reply (cache fill, lookup) stays.
    static_cast<NextHop&>(attempt) = tx.next_hops[hop + 1];
  }
  report_forwarding_result(services_.runtime, outcome);
  if (tx.entry.result == ResultCode::None) tx.entry.result = ResultCode::TcpMiss;
  if (!safe_method && !outcome.error) invalidate_after_unsafe_method(target, outcome);
  co_return co_await finish_forwarded(outcome, attempt, tx);
}

awaitable<bool> ClientSession::finish_forwarded(const ForwardOutcome& outcome, const ForwardPlan& plan,
                                                Transaction& tx) {
  if (outcome.error) {
    if (!outcome.server_address.empty()) {
      tx.entry.hierarchy = plan.hierarchy;
      tx.entry.peer = outcome.server_address;
    }
    co_return co_await reply_error(*outcome.error, tx, outcome.client_reusable, outcome.error_detail);
  }
  tx.entry.status = outcome.status;
  tx.entry.reply_bytes = outcome.reply_bytes;
  tx.entry.hierarchy = plan.hierarchy;
  tx.entry.peer = outcome.server_address;
  if (!outcome.content_type.empty()) tx.entry.content_type = outcome.content_type;
  if (outcome.aborted) tx.entry.result_suffix = ResultSuffix::Aborted;
  log(tx);
  co_return outcome.client_reusable && !outcome.aborted;
}

}  // namespace cuttle
