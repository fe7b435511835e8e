// One client connection: read a request, decide (parse target, ACLs), answer it
// (forward, tunnel or error page), log it, and loop while keep-alive allows.
// Pipelined requests are answered in order because each is finished before the
// next is read from the same buffer.
#pragma once

#include "proxy/config/config.h"
#include "proxy/server/asio_types.h"
#include "proxy/server/cache_hit.h"
#include "proxy/server/cache_manager.h"
#include "proxy/server/forwarder.h"
#include "proxy/server/worker_services.h"

namespace cuttle {

struct RequestTarget;

class ClientSession {
 public:
  ClientSession(tcp::socket socket, const HttpPortConfig& port, WorkerServices& services);

  awaitable<void> run();
  // Shutdown: closes the connection if it is waiting for a next request.
  void close_if_idle();

 private:
  // Everything access.log needs about the request being handled.
  struct Transaction {
    std::shared_ptr<const ActiveConfig> active;
    std::chrono::steady_clock::time_point start;
    AccessLogEntry entry;
    bool client_keep_alive = true;  // the request allows another on this connection (HTTP/1.0, Connection: close)
    // Where a miss may go, best first (peer selection); forward() tries the next
    // when one fails before anything reached the client.
    std::vector<ForwardPlan> next_hops;
  };
  awaitable<bool> handle(http::request_parser<http::empty_body>& parser, Transaction& tx);
  awaitable<bool> reply_error(ErrorKind kind, Transaction& tx, bool keep_alive, std::string detail = {});
  awaitable<bool> purge(const RequestTarget& target, Transaction& tx, bool keep_alive);
  // TRACE or OPTIONS with Max-Forwards: 0: this proxy is the final recipient.
  awaitable<bool> answer_as_final_recipient(const http::request<http::empty_body>& req, Transaction& tx,
                                            bool keep_alive);
  awaitable<bool> serve_cache_manager(const ManagerRequest& manager, http::request_parser<http::empty_body>& parser,
                                      Transaction& tx, bool keep_alive);
  // Writes a reply cuttle makes itself (PAC file, manager report) and logs it.
  awaitable<bool> send_own_reply(http::response<http::string_body>& res, Transaction& tx, bool keep_alive);
  awaitable<bool> serve_pac_file(http::request_parser<http::empty_body>& parser, Transaction& tx, bool keep_alive);
  // Where a request that goes upstream goes first (the accelerator's origin, or
  // peer selection, which fills tx.next_hops); nothing when no hop may take it.
  awaitable<std::optional<ForwardPlan>> plan_forwarding(const RequestTarget& target,
                                                        const http::request_header<>& request,
                                                        const RequestFacts& facts, Transaction& tx);
  awaitable<bool> forward(http::request_parser<http::empty_body>& parser, const ForwardPlan& plan,
                          const RequestTarget& target, Transaction& tx);
  // Logs a forwarded reply, or answers the error it ended with.
  awaitable<bool> finish_forwarded(const ForwardOutcome& outcome, const ForwardPlan& plan, Transaction& tx);

  // ---- the cache (client_session_cache.cc) ----
  // GET and HEAD with a store: a hit, a revalidation, or a miss stored while relayed.
  awaitable<bool> through_cache(store::ObjectCache& store, const RequestTarget& target,
                                http::request_parser<http::empty_body>& parser, const RequestFacts& facts,
                                bool has_body, Transaction& tx);
  // Sends a stored reply as `request` asks for it (304, ranges); the keep-alive
  // verdict, or nothing when its body turned out damaged (nothing was sent).
  awaitable<std::optional<bool>> serve_hit(store::ObjectCache& store, StoredReply& stored,
                                           const http::request<http::empty_body>& request, bool has_body,
                                           Transaction& tx, ResultCode result);
  // `pin` keeps the stored body (found current after pinning) for a 304 to serve.
  awaitable<bool> revalidate(store::ObjectCache& store, const std::string& url, const RefreshPattern& pattern,
                             http::request_parser<http::empty_body>& parser, ForwardPlan plan, StoredReply stored,
                             store::ObjectCache::Pin pin, bool has_body, Transaction& tx);
  // RFC 9111 §4.4: a successful unsafe request makes stored copies of its target
  // (and same-origin Location / Content-Location) unusable.
  void invalidate_after_unsafe_method(const RequestTarget& target, const ForwardOutcome& outcome);
  void log(Transaction& tx);

  TcpStream stream_;
  beast::flat_buffer buffer_;
  std::string send_buffer_;  // the part of a hit the socket did not take at once (cache_hit.h)
  const HttpPortConfig& port_;
  WorkerServices& services_;
  std::string client_ip_;
  asio::ip::address client_address_;
  bool idle_ = false;
};

}  // namespace cuttle
