// One c-ares channel driven by an Asio executor: c-ares tells which sockets to
// watch (its socket-state callback), Asio waits on them and on c-ares's next
// retransmission deadline, and hands the events back to c-ares. Lookups never
// block the thread, so a name server that never answers holds up only its own
// names. Used from one thread (a worker's).
#pragma once

#include "proxy/config/dns_config.h"

#include <ares.h>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

namespace cuttle::dns {

class AresChannel {
 public:
  // status is an ARES_* code; the answer is the server's whole DNS message.
  using AnswerHandler = std::function<void(int status, const unsigned char* answer, int length)>;
  using NameHandler = std::function<void(int status, std::string name)>;

  // Throws std::runtime_error when c-ares cannot start (no memory, bad resolv.conf).
  AresChannel(boost::asio::any_io_executor executor, const DnsConfig& config);
  ~AresChannel();
  AresChannel(const AresChannel&) = delete;
  AresChannel& operator=(const AresChannel&) = delete;

  // A query of `type` (ns_t_a, ns_t_aaaa) for `name`; `search`: through
  // resolv.conf's search list (dns_defnames).
  void query(const std::string& name, int type, bool search, AnswerHandler done);
  // The PTR name of `address`.
  void name_of(const boost::asio::ip::address& address, NameHandler done);

 private:
  struct Watch {
    explicit Watch(boost::asio::any_io_executor executor, int fd) : descriptor(executor, fd) {}
    boost::asio::posix::stream_descriptor descriptor;
    bool want_read = false, want_write = false;
    bool reading = false, writing = false;
    unsigned generation = 0;
  };

  static void on_socket_state(void* self, ares_socket_t fd, int readable, int writable);
  void watch(ares_socket_t fd, bool readable, bool writable);
  void forget(ares_socket_t fd);
  void arm(ares_socket_t fd);
  void process(ares_socket_t read_fd, ares_socket_t write_fd);
  void schedule_timeout();

  boost::asio::any_io_executor executor_;
  ares_channel channel_ = nullptr;
  boost::asio::steady_timer timer_;
  std::unordered_map<ares_socket_t, std::unique_ptr<Watch>> watches_;
  unsigned next_generation_ = 0;
  // Handlers queued on the executor hold this weakly: the channel may be gone when they run.
  std::shared_ptr<AresChannel*> self_ = std::make_shared<AresChannel*>(this);
};

// Squid's name for a failed lookup (rfc1035ErrorMessage, "Timeout", …).
std::string describe_status(int status);

}  // namespace cuttle::dns
