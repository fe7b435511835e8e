// One client connection: read a request, decide (parse target, ACLs), answer it
// (forward, tunnel or error page), log it, and loop while keep-alive allows.
// Pipelined requests are answered in order because each is finished before the
// next is read from the same buffer.
#pragma once

#include "proxy/config/config.h"
#include "proxy/server/asio_types.h"
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
  struct Transaction;
  awaitable<bool> handle(http::request_parser<http::empty_body>& parser, Transaction& tx);
  awaitable<bool> reply_error(ErrorKind kind, Transaction& tx, bool keep_alive, std::string detail = {});
  awaitable<bool> purge(const RequestTarget& target, Transaction& tx, bool keep_alive);
  // Sends a fresh stored reply: the keep-alive verdict, or nothing on a miss.
  awaitable<std::optional<bool>> answer_from_store(store::ObjectStore& store, const std::string& url,
                                                   http::request_parser<http::empty_body>& parser,
                                                   const RefreshPattern& pattern, bool has_body, Transaction& tx);
  void log(Transaction& tx);

  TcpStream stream_;
  beast::flat_buffer buffer_;
  const HttpPortConfig& port_;
  WorkerServices& services_;
  std::string client_ip_;
  asio::ip::address client_address_;
  bool idle_ = false;
};

}  // namespace cuttle
