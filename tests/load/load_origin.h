// The verified load's origin on 127.0.0.1: answers the paths of load_content.h
// with bodies made from BodyPattern (Content-Length or chunked), validators,
// 304 to a current If-None-Match / If-Modified-Since, and 206 to a single
// byte range. It keeps no per-request state, only counters, so hours of load
// cost it no memory.
#pragma once

#include "tests/load/load_content.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <cstdint>
#include <thread>

namespace cuttle::load {

struct OriginCounters {
  std::atomic<uint64_t> requests{0}, full{0}, partial{0}, not_modified{0}, not_found{0}, chunked{0};
};

class LoadOrigin {
 public:
  LoadOrigin();  // listening on an ephemeral port, served by its own thread
  ~LoadOrigin();
  LoadOrigin(const LoadOrigin&) = delete;
  LoadOrigin& operator=(const LoadOrigin&) = delete;

  uint16_t port() const { return port_; }
  const OriginCounters& counters() const { return counters_; }

 private:
  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> session(boost::asio::ip::tcp::socket socket);

  boost::asio::io_context ioc_{1};
  boost::asio::ip::tcp::acceptor acceptor_{ioc_};
  uint16_t port_ = 0;
  BodyPattern pattern_;
  OriginCounters counters_;
  std::thread thread_;
};

}  // namespace cuttle::load
