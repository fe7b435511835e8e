// One client connection: read a request header, hand it to the request pipeline
// (request_pipeline.h), and loop while keep-alive allows. Pipelined requests are
// answered in order because each is finished before the next is read from the
// same buffer. Errors reading a header are answered here, at the loop's edge.
#pragma once

#include "proxy/server/client_connection.h"
#include "proxy/server/client_counts.h"
#include "proxy/server/transaction.h"

#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>
#include <optional>

namespace cuttle {

class ClientSession {
 public:
  ClientSession(tcp::socket socket, const HttpPortConfig& port, WorkerServices& services);

  awaitable<void> run();
  // Shutdown: closes the connection if it is waiting for a next request.
  void close_if_idle();

 private:
  // Reads the next request's header into `parser` under the configuration's
  // limits and timeouts; false when there is none to handle (closed, timed out,
  // or refused with an error reply).
  awaitable<bool> read_request(http::request_parser<http::empty_body>& parser, Transaction& tx, bool first);
  struct RequestLifetime {
    uint64_t request = 0;  // how many requests of the connection were answered
    bool ended = false;    // the session is gone
  };
  void close_at_end_of_lifetime(asio::steady_timer& timer, std::shared_ptr<RequestLifetime> serving);
  void note_connection_for_log(Transaction& tx, size_t header_bytes);
  std::chrono::milliseconds idle_time_left(const Config& config) const;
  static void note_request_for_log(const http::request<http::empty_body>& req, Transaction& tx);
  awaitable<void> refuse_unreadable(error_code ec, Transaction& tx);
  bool take_original_destination();
  awaitable<bool> accept_tls();
  bool reached_directly(const tcp::endpoint& local, const tcp::endpoint& original) const;

  ClientConnection conn_;
  std::optional<ClientCounts::Registration> counted_;  // for maxconn, while the connection is open
  bool idle_ = false;
  std::chrono::steady_clock::time_point opened_at_ = std::chrono::steady_clock::now();
};

}  // namespace cuttle
