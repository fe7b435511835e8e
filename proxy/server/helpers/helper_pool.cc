#include "proxy/server/helpers/helper_pool.h"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/read_until.hpp>

#include <algorithm>
#include <cstdlib>
#include <iostream>

namespace cuttle {

using helpers::HelperReply;
using helpers::HelperResult;

namespace {

// A reply line longer than this is a broken helper, not a reply.
constexpr size_t kMaxReplyLine = 64 * 1024;
// How long a queue over queue-size may last before on-persistent-overload acts (Squid's).
constexpr auto kPersistentOverload = std::chrono::seconds(180);
// A replacement started this soon after the previous one, with nothing ever
// answered, means the helper cannot run: Squid's "crashing too rapidly".
constexpr auto kRapidRestart = std::chrono::seconds(30);
// How long a retired helper (reconfigure, shutdown) may take to exit after its stdin closes.
constexpr auto kExitGrace = std::chrono::seconds(2);
// Squid's MAX_RETRIES for a BH reply.
constexpr int kBrokenHelperRetries = 2;

HelperReply reply_with(HelperResult result, std::string message = {}) {
  HelperReply reply;
  reply.result = result;
  if (!message.empty()) reply.notes.emplace_back("message", std::move(message));
  return reply;
}

}  // namespace

// A request on its way: the asker's frame owns it; the pool points at it while
// it is queued or in flight.
struct HelperPool::Waiter {
  std::string line;
  std::optional<HelperReply> reply;
  asio::steady_timer wake;  // expires at the deadline; cancelled when the reply is in
  Server* server = nullptr;
  unsigned long channel = 0;
  Reservation* reservation = nullptr;  // a stateful question: reserves the process it is sent to
};

struct HelperPool::Server : std::enable_shared_from_this<Server> {
  HelperPool* pool;  // nullptr once the pool is gone: the coroutines then stop
  unsigned index;
  std::unique_ptr<HelperProcess> process;
  // In flight by channel ID (always 0 without concurrency). A null waiter is one
  // that gave up (timed out, went away): its slot stays taken until the reply.
  std::map<unsigned long, Waiter*> in_flight;
  unsigned long next_channel = 1;  // Squid's IDs: from 1, per process, never reused
  std::string outbox;
  bool writing = false;
  bool lost = false;  // died, or killed: takes nothing more
  uint64_t replies = 0;  // "crashing too rapidly" counts only processes that never answered
  uint64_t reservation = 0;  // kept for one client's handshake (stateful helpers); 0: free
  std::chrono::steady_clock::time_point reserved_at{};
};

HelperPool::Server* HelperPool::Reservation::server() const {
  auto server = server_.lock();
  return server && server->pool && !server->lost && server->reservation == id_ ? server.get() : nullptr;
}

void HelperPool::Reservation::release() {
  Server* server = id_ ? this->server() : nullptr;
  server_.reset();
  id_ = 0;
  if (!server) return;
  server->reservation = 0;
  server->pool->serve_queue();
}

HelperPool::HelperPool(asio::any_io_executor executor, std::string name, HelperProgram program,
                       std::chrono::milliseconds timeout, std::shared_ptr<HelperCounters> counters)
    : executor_(std::move(executor)),
      name_(std::move(name)),
      program_(std::move(program)),
      timeout_(timeout),
      counters_(counters ? std::move(counters) : std::make_shared<HelperCounters>()) {}

// Nobody waits on the pool now (every ask() holds it). Its processes are told to
// exit (stdin closes); each one's reader then reaps it (read_replies).
HelperPool::~HelperPool() {
  counters_->running -= static_cast<int64_t>(servers_.size());
  for (auto& server : servers_) {
    server->pool = nullptr;
    error_code ignored;
    server->process->input().close(ignored);
    server->process->output().cancel(ignored);
  }
}

void HelperPool::start() { start_up_to(program_.children.startup); }

void HelperPool::start_up_to(size_t count) {
  while (servers_.size() < count && try_start_server()) {}
}

std::shared_ptr<HelperPool::Server> HelperPool::try_start_server() {
  try {
    return start_server();
  } catch (const std::system_error& e) {
    std::cerr << "ERROR: " << name_ << ": " << e.what() << "\n";
    return nullptr;
  }
}

// A process with a free slot, or a new one while fewer than `children` run.
std::shared_ptr<HelperPool::Server> HelperPool::free_server() {
  auto server = least_busy_server();
  if (!server && servers_.size() < program_.children.max) server = try_start_server();
  return server;
}

std::shared_ptr<HelperPool::Server> HelperPool::start_server() {
  auto server = std::make_shared<Server>();
  server->pool = this;
  server->index = next_index_++;
  server->process = std::make_unique<HelperProcess>(executor_, program_.argv);
  servers_.push_back(server);
  ++counters_->started;
  ++counters_->running;
  last_start_ = std::chrono::steady_clock::now();
  asio::co_spawn(executor_, read_replies(server), asio::detached);
  return server;
}

// As Squid's stateless helpers: a BH reply is asked again (twice, on any process)
// before it counts.
awaitable<HelperReply> HelperPool::ask(std::string request) {
  auto keep_alive = shared_from_this();  // the pool outlives every question asked of it
  ++counters_->requests;
  for (int attempt = 1;; ++attempt) {
    HelperReply reply = co_await ask_once(request);
    if (reply.result != HelperResult::BrokenHelper || attempt > kBrokenHelperRetries) co_return reply;
    std::cerr << "ERROR: " << name_ << ": BH " << reply.note("message").value_or("") << ", attempt #" << attempt
              << " of " << kBrokenHelperRetries << "\n";
  }
}

awaitable<HelperReply> HelperPool::ask_reserved(std::string request, Reservation& reservation) {
  auto keep_alive = shared_from_this();
  ++counters_->requests;
  co_return co_await ask_once(request, &reservation);
}

awaitable<HelperReply> HelperPool::ask_once(const std::string& request, Reservation* reservation) {
  Waiter waiter{request, std::nullopt, asio::steady_timer(executor_, timeout_)};
  waiter.reservation = reservation;
  struct Forget {  // the asker may go away (client gone, worker stopping) while it waits
    HelperPool& pool;
    Waiter& waiter;
    ~Forget() { pool.forget(waiter); }
  } forget_on_exit{*this, waiter};
  dispatch(waiter);
  if (!waiter.reply) co_await waiter.wake.async_wait(use_nothrow);
  if (waiter.reply) co_return std::move(*waiter.reply);
  ++counters_->timeouts;
  std::cerr << "WARNING: " << name_ << " helper gave no answer within " << timeout_.count() << " ms\n";
  // Without concurrency the process would answer this request next, as if it
  // were the one after it: a helper that hangs is replaced.
  if (waiter.server && program_.children.concurrency == 0) {
    Server& server = *waiter.server;
    forget(waiter);
    server.process->kill();
    lose_server(server);
  }
  co_return reply_with(HelperResult::TimedOut);
}

// A question of a handshake under way goes to its reserved process, or fails.
bool HelperPool::dispatch_reserved(Waiter& waiter) {
  if (!waiter.reservation || !waiter.reservation->id_) return false;
  Server* server = waiter.reservation->server();
  if (server && server->in_flight.empty()) {
    waiter.reservation = nullptr;  // already holds it
    send(*server, waiter);
  } else {
    std::cerr << "ERROR: Helper " << name_ << " reservation expired (" << waiter.reservation->id_ << ")\n";
    answer(waiter, reply_with(HelperResult::TimedOut, "reservation expired"));
  }
  return true;
}

void HelperPool::dispatch(Waiter& waiter) {
  if (dispatch_reserved(waiter)) return;
  auto server = least_busy_server();
  if (!server) server = start_idle_batch();
  if (server) {
    send(*server, waiter);
    return;
  }
  if (servers_.empty()) {  // none runs and none can be started: as a helper that exited at once
    ++counters_->failures;
    answer(waiter, reply_with(HelperResult::Unknown, "helper cannot be started"));
    return;
  }
  queue_.push_back(&waiter);
  ++counters_->queued;
  if (overloaded_for_too_long()) {
    if (program_.children.die_on_persistent_overload) {
      std::cerr << "FATAL: Too many queued " << name_ << " requests; see on-persistent-overload.\n";
      std::_Exit(1);
    }
    std::cerr << "WARNING: dropping requests to overloaded " << name_
              << " helper configured with on-persistent-overload=err\n";
    forget(waiter);
    ++counters_->failures;
    answer(waiter, reply_with(HelperResult::Error, "helper overloaded"));
  }
}

bool HelperPool::overloaded_for_too_long() {
  const auto now = std::chrono::steady_clock::now();
  if (queue_.size() <= program_.children.queue_size) {
    overloaded_since_ = {};
    return false;
  }
  if (overloaded_since_ == std::chrono::steady_clock::time_point{}) overloaded_since_ = now;
  return now - overloaded_since_ > kPersistentOverload;
}

// Reserved processes only answer their client; when none is free otherwise, the
// one reserved longest ago past reservation-timeout is taken (as Squid).
std::shared_ptr<HelperPool::Server> HelperPool::least_busy_server() const {
  const size_t slots = std::max(1u, program_.children.concurrency);
  std::shared_ptr<Server> best;
  for (const auto& server : servers_)
    if (!server->lost && !server->reservation && server->in_flight.size() < slots &&
        (!best || server->in_flight.size() < best->in_flight.size()))
      best = server;
  return best ? best : expired_reservation();
}

std::shared_ptr<HelperPool::Server> HelperPool::expired_reservation() const {
  const auto expired_before = std::chrono::steady_clock::now() - program_.children.reservation_timeout;
  std::shared_ptr<Server> oldest;
  for (const auto& server : servers_)
    if (!server->lost && server->reservation && server->in_flight.empty() && server->reserved_at < expired_before &&
        (!oldest || server->reserved_at < oldest->reserved_at))
      oldest = server;
  return oldest;
}

// Squid's helper Enqueue: when a request finds no free process, `idle` more are
// started at once (at least one, never beyond `children`).
std::shared_ptr<HelperPool::Server> HelperPool::start_idle_batch() {
  std::shared_ptr<Server> first;
  const size_t batch = std::max(1u, program_.children.idle);
  for (size_t i = 0; i < batch && servers_.size() < program_.children.max; ++i) {
    auto server = try_start_server();
    if (!server) break;
    if (!first) first = server;
  }
  return first;
}

void HelperPool::send(Server& server, Waiter& waiter) {
  if (waiter.reservation) {  // the first question of a handshake: the process is the client's now
    server.reservation = next_reservation_++;
    server.reserved_at = std::chrono::steady_clock::now();
    waiter.reservation->server_ = server.shared_from_this();
    waiter.reservation->id_ = server.reservation;
    waiter.reservation = nullptr;
  }
  const bool channels = program_.children.concurrency > 0;
  waiter.server = &server;
  waiter.channel = channels ? server.next_channel++ : 0;
  server.in_flight[waiter.channel] = &waiter;
  if (channels) server.outbox += std::to_string(waiter.channel) + " ";
  server.outbox += waiter.line;
  server.outbox += '\n';
  if (!server.writing) {
    server.writing = true;
    asio::co_spawn(executor_, write_requests(server.shared_from_this()), asio::detached);
  }
}

awaitable<void> HelperPool::write_requests(std::shared_ptr<Server> server) {
  std::string writing;
  while (server->pool && !server->lost && !server->outbox.empty()) {
    writing.swap(server->outbox);
    auto [ec, n] = co_await asio::async_write(server->process->input(), asio::buffer(writing), use_nothrow);
    writing.clear();
    if (ec && server->pool && !server->lost) {
      std::cerr << "WARNING: " << name_ << " #" << server->index << " cannot take requests: " << ec.message() << "\n";
      server->process->kill();  // the reader sees it end and replaces it
      break;
    }
  }
  server->writing = false;
}

awaitable<void> HelperPool::read_replies(std::shared_ptr<Server> server) {
  std::string buffer;
  for (;;) {
    auto [ec, n] = co_await asio::async_read_until(server->process->output(),
                                                   asio::dynamic_buffer(buffer, kMaxReplyLine), '\n', use_nothrow);
    if (ec || !server->pool) break;
    std::string_view line(buffer.data(), n - 1);
    if (line.ends_with('\r')) line.remove_suffix(1);
    server->pool->take_reply(*server, line);
    buffer.erase(0, n);
  }
  if (server->pool && !server->lost) {
    std::cerr << "WARNING: " << name_ << " #" << server->index << " (pid " << server->process->pid()
              << ") exited\n";
    server->process->kill();  // it closed stdout or sent an endless line: it may still run
    lose_server(*server);
  }
  co_await reap(server);
}

void HelperPool::take_reply(Server& server, std::string_view line) {
  auto slot = server.in_flight.end();
  if (program_.children.concurrency > 0) {
    auto channel = helpers::split_channel(line);
    if (channel) slot = server.in_flight.find(channel->channel), line = channel->rest;
  } else {
    slot = server.in_flight.begin();
  }
  if (slot == server.in_flight.end()) {
    std::cerr << "WARNING: " << name_ << " #" << server.index << ": unexpected reply '" << line << "'\n";
    return;
  }
  Waiter* waiter = slot->second;
  server.in_flight.erase(slot);
  ++server.replies;
  ++counters_->replies;
  if (waiter) {
    waiter->server = nullptr;
    answer(*waiter, helpers::parse_helper_reply(line));
  }
  serve_queue();
}

void HelperPool::answer(Waiter& waiter, HelperReply reply) {
  waiter.reply = std::move(reply);
  waiter.wake.cancel();
}

void HelperPool::serve_queue() {
  while (!queue_.empty()) {
    auto server = free_server();
    if (!server) return;
    Waiter* waiter = queue_.front();
    queue_.pop_front();
    --counters_->queued;
    send(*server, *waiter);
  }
}

void HelperPool::forget(Waiter& waiter) {
  counters_->queued -= static_cast<int64_t>(std::erase(queue_, &waiter));
  if (waiter.server) {
    auto slot = waiter.server->in_flight.find(waiter.channel);
    if (slot != waiter.server->in_flight.end() && slot->second == &waiter) slot->second = nullptr;
    waiter.server = nullptr;
  }
}

// A process that died or was killed. What it held gets Squid's answer for a
// helper that died (Unknown; not sent again); queued requests go to a
// replacement. Squid's "crashing too rapidly" rule: fewer processes than
// startup= within 30 s of the last start; fatal when the dead one never answered.
void HelperPool::lose_server(Server& server) {
  server.lost = true;
  for (auto& [channel, waiter] : server.in_flight) {
    if (!waiter) continue;
    waiter->server = nullptr;
    ++counters_->failures;
    answer(*waiter, reply_with(HelperResult::Unknown, "helper exited"));
  }
  server.in_flight.clear();
  if (std::erase_if(servers_, [&](const auto& s) { return s.get() == &server; }) > 0) --counters_->running;
  if (servers_.size() < program_.children.startup &&
      std::chrono::steady_clock::now() - last_start_ < kRapidRestart) {
    std::cerr << (server.replies == 0 ? "FATAL" : "ERROR") << ": The " << name_
              << " helpers are crashing too rapidly, need help!\n";
    if (server.replies == 0) std::_Exit(1);
  }
  serve_queue();
  start_up_to(program_.children.startup);
}

// Waits for the process to exit (a retired one was told to by its stdin closing),
// killing it when it takes longer than the grace period. Touches only `server`:
// the pool may be gone.
awaitable<void> HelperPool::reap(std::shared_ptr<Server> server) {
  using namespace asio::experimental::awaitable_operators;
  asio::steady_timer grace(co_await asio::this_coro::executor, kExitGrace);
  auto exited = co_await (server->process->wait_exit() || grace.async_wait(use_nothrow));
  if (exited.index() == 1) {
    server->process->kill();
    co_await server->process->wait_exit();
  }
}

bool HelperPool::would_overload() const {
  return queue_.size() >= program_.children.queue_size && !least_busy_server() &&
         servers_.size() >= program_.children.max;
}

HelperPoolStats HelperPool::stats() const {
  const auto& c = *counters_;
  return {c.requests, c.replies, c.timeouts, c.failures, c.started, static_cast<size_t>(c.running.load()),
          static_cast<size_t>(c.queued.load())};
}

}  // namespace cuttle
