// The processes of one kind of helper on one worker (as each Squid kid runs its
// own): requests wait for a free process without blocking the worker, up to
// `concurrency` at once per process (with channel IDs, answered in any order),
// processes start on demand up to `children` (`idle` at a time, as Squid), die
// and are replaced. A request
// always gets an answer: the helper's (BH is asked again twice, as Squid does),
// Unknown when its process dies or cannot start, Error when the pool has been
// overloaded too long (on-persistent-overload=ERR), TimedOut when no answer came
// in time. Squid 5.7 has no timeout for most helpers and would wait forever.
// Stateful helpers (NTLM, Negotiate) keep a process for one client's handshake:
// a Reservation.
#pragma once

#include "proxy/config/helper_config.h"
#include "proxy/helpers/helper_reply.h"
#include "proxy/metrics/helper_metrics.h"
#include "proxy/server/asio_types.h"
#include "proxy/server/helpers/helper_process.h"

#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace cuttle {

struct HelperPoolStats {
  uint64_t requests = 0;   // asked
  uint64_t replies = 0;    // answered by a helper
  uint64_t timeouts = 0;   // not answered in time
  uint64_t failures = 0;   // lost with a dying helper, or refused when overloaded
  uint64_t started = 0;    // processes started (the first ones and replacements)
  size_t running = 0;
  size_t queued = 0;
};

class HelperPool : public std::enable_shared_from_this<HelperPool> {
  struct Server;

 public:
  // A process kept for one client's handshake (Squid's helper reservation):
  // empty until its first question, released when destroyed. Another client may
  // take the process once the reservation is older than reservation-timeout.
  class Reservation {
   public:
    Reservation() = default;
    ~Reservation() { release(); }
    Reservation(const Reservation&) = delete;
    Reservation& operator=(const Reservation&) = delete;
    // The process takes other clients' questions again.
    void release();

   private:
    friend class HelperPool;
    Server* server() const;  // the reserved process, while it is still this reservation's
    std::weak_ptr<Server> server_;
    uint64_t id_ = 0;
  };

  // `name` is Squid's (basicauthenticator, url_rewriter...), for messages.
  // `counters` may be shared by the pools of every worker (the runtime's).
  HelperPool(asio::any_io_executor executor, std::string name, HelperProgram program,
             std::chrono::milliseconds timeout, std::shared_ptr<HelperCounters> counters = nullptr);
  ~HelperPool();
  HelperPool(const HelperPool&) = delete;
  HelperPool& operator=(const HelperPool&) = delete;

  // Starts the `startup=` processes. Throws std::system_error when the program
  // cannot be started at all.
  void start();
  // Sends `request` (one line, no newline) to a helper and waits for its reply.
  awaitable<helpers::HelperReply> ask(std::string request);
  // A stateful helper's question: the first one reserves a free process, later
  // ones go to it. When that process is gone or was given to another client, the
  // answer is TimedOut (Squid's "reservation expired"). BH is not asked again.
  awaitable<helpers::HelperReply> ask_reserved(std::string request, Reservation& reservation);
  // Squid's willOverload(): every process busy, none may start, and the queue is
  // full. A helper with a bypass then lets the request go on without asking.
  bool would_overload() const;

  const std::string& name() const { return name_; }
  const HelperProgram& program() const { return program_; }
  // Its counters (summed with other pools' when shared).
  HelperPoolStats stats() const;

 private:
  struct Waiter;

  std::shared_ptr<Server> start_server();
  std::shared_ptr<Server> try_start_server();  // nullptr (and a message) when it cannot start
  std::shared_ptr<Server> free_server();
  void start_up_to(size_t count);
  awaitable<helpers::HelperReply> ask_once(const std::string& request, Reservation* reservation = nullptr);
  void dispatch(Waiter& waiter);
  void send(Server& server, Waiter& waiter);
  void serve_queue();
  std::shared_ptr<Server> start_idle_batch();
  std::shared_ptr<Server> least_busy_server() const;
  std::shared_ptr<Server> expired_reservation() const;
  bool dispatch_reserved(Waiter& waiter);
  void forget(Waiter& waiter);
  void lose_server(Server& server);
  void answer(Waiter& waiter, helpers::HelperReply reply);
  bool overloaded_for_too_long();
  awaitable<void> read_replies(std::shared_ptr<Server> server);
  awaitable<void> write_requests(std::shared_ptr<Server> server);
  awaitable<void> reap(std::shared_ptr<Server> server);
  void take_reply(Server& server, std::string_view line);

  asio::any_io_executor executor_;
  std::string name_;
  HelperProgram program_;
  std::chrono::milliseconds timeout_;
  std::vector<std::shared_ptr<Server>> servers_;
  std::deque<Waiter*> queue_;
  unsigned next_index_ = 1;
  uint64_t next_reservation_ = 1;
  std::chrono::steady_clock::time_point overloaded_since_{};
  std::chrono::steady_clock::time_point last_start_{};
  std::shared_ptr<HelperCounters> counters_;
};

}  // namespace cuttle
