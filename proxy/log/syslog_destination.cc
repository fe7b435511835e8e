#include "proxy/log/syslog_destination.h"

#include <syslog.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <iostream>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

namespace cuttle {

namespace {

// The process's one caller of syslog(3): messages numbered as queued.
class SyslogSender {
 public:
  // Never destroyed: its thread may be blocked in syslog() when the process exits.
  static SyslogSender& instance() {
    static auto* sender = new SyslogSender;
    return *sender;
  }

  // Queues `line` as one message, or as two split at `second_piece` (adjacent,
  // as squid's two writes are). The last one's number; 0 when dropped (too much waiting).
  uint64_t queue(int priority, std::string_view line, size_t second_piece) {
    std::lock_guard lock(mutex_);
    if (bytes_ + line.size() > SyslogDestination::kMaxQueued) return 0;
    bytes_ += line.size();
    if (second_piece < line.size()) {
      waiting_.emplace_back(priority, std::string(line.substr(0, second_piece)));
      waiting_.emplace_back(priority, std::string(line.substr(second_piece)));
      queued_ += 2;
    } else {
      waiting_.emplace_back(priority, std::string(line));
      ++queued_;
    }
    wake_.notify_one();
    return queued_;
  }

  void wait_sent(uint64_t number, std::chrono::steady_clock::duration at_most) {
    std::unique_lock lock(mutex_);
    sent_changed_.wait_for(lock, at_most, [&] { return sent_ >= number; });
  }

 private:
  SyslogSender() {
    ::openlog("squid", 0, LOG_USER);  // squid's ident; its default facility
    std::thread([this] { send_forever(); }).detach();
  }

  void send_forever() {
    std::deque<std::pair<int, std::string>> batch;
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [&] { return !waiting_.empty(); });
      batch.swap(waiting_);
      bytes_ = 0;
      lock.unlock();
      for (const auto& [priority, message] : batch) ::syslog(priority, "%s", message.c_str());
      lock.lock();
      sent_ += batch.size();
      batch.clear();
      sent_changed_.notify_all();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_, sent_changed_;
  std::deque<std::pair<int, std::string>> waiting_;
  size_t bytes_ = 0;
  uint64_t queued_ = 0, sent_ = 0;
};

int64_t seconds_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

SyslogDestination::SyslogDestination(LogDestinationSpec spec) : spec_(std::move(spec)) {
  SyslogSender::instance();
}

SyslogDestination::~SyslogDestination() {
  if (const auto last = last_queued_.load(); last > 0) SyslogSender::instance().wait_sent(last, std::chrono::seconds(2));
}

void SyslogDestination::write_line(std::string_view line, size_t second_piece) {
  if (const auto number = SyslogSender::instance().queue(spec_.syslog_priority, line, second_piece)) {
    // Several workers log: keep the highest, what closing waits for.
    auto last = last_queued_.load(std::memory_order_relaxed);
    while (last < number && !last_queued_.compare_exchange_weak(last, number, std::memory_order_relaxed)) {
    }
    return;
  }
  auto last = last_drop_warning_.load();
  const auto now = seconds_now();
  if (now - last >= 30 && last_drop_warning_.compare_exchange_strong(last, now))
    std::cerr << ("cuttle: " + spec_.text + ": syslog is not taking lines; some log messages have been lost\n");
}

}  // namespace cuttle
