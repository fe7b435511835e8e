#include "proxy/log/daemon_destination.h"

#include "proxy/log/socket_send.h"

#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <iostream>
#include <sstream>
#include <system_error>
#include <utility>

namespace cuttle {

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kDaemonFlushInterval = std::chrono::seconds(1);  // squid's logfileFlush event
constexpr auto kDaemonCloseDrain = std::chrono::seconds(2);     // what closing waits for a slow daemon
// A daemon that dies soon after starting (it cannot open its file, say) is
// started again less and less often, so cache.log is not flooded.
constexpr auto kDaemonRestartInterval = std::chrono::seconds(1);
constexpr auto kDaemonLongestRestartInterval = std::chrono::seconds(60);
constexpr auto kDaemonShortLife = std::chrono::seconds(10);
constexpr int64_t kDaemonWarnEverySeconds = 30;                 // LOGFILE_WARN_TIME

std::string exit_text(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "was killed by signal " + std::to_string(WTERMSIG(status));
  return "stopped";
}

void report_daemon(const std::string& message) {
  std::cerr << ("cuttle: " + message + "\n") << std::flush;
}

}  // namespace

DaemonDestination::DaemonDestination(LogDestinationSpec spec, LogModuleSettings settings)
    : spec_(std::move(spec)),
      settings_(std::move(settings)),
      process_(std::make_unique<DaemonProcess>(settings_.daemon_program, spec_.place)),
      pid_(process_->pid()),
      stream_(settings_.daemon_rotate_count, settings_.buffered),
      writer_([this] { run(); }) {}

DaemonDestination::~DaemonDestination() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    stop_deadline_ = Clock::now() + kDaemonCloseDrain;
  }
  wake_.notify_one();
  writer_.join();
}

void DaemonDestination::write_line(std::string_view line, size_t) {
  bool wake;
  {
    std::lock_guard lock(mutex_);
    if (!stream_.add_line(line)) {
      warn_dropped();
      return;
    }
    wake = stream_.write_wanted();
  }
  if (wake) wake_.notify_one();
}

void DaemonDestination::rotate(int) {
  std::lock_guard lock(mutex_);
  stream_.rotate();
}

void DaemonDestination::flush() {
  {
    std::lock_guard lock(mutex_);
    flush_requested_ = true;
  }
  wake_.notify_one();
}

void DaemonDestination::warn_dropped() {
  const int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  auto last = last_drop_warning_.load();
  if (now - last < kDaemonWarnEverySeconds || !last_drop_warning_.compare_exchange_strong(last, now)) return;
  report_daemon("logfile_daemon for " + spec_.text + ": queue is too large; some log messages have been lost");
}

void DaemonDestination::run() {
  std::unique_lock lock(mutex_);
  auto next_flush = Clock::now() + kDaemonFlushInterval;
  while (!stopping_) {
    wake_.wait_until(lock, next_flush, [&] { return stopping_ || stream_.write_wanted() || flush_requested_; });
    if (stopping_) break;
    if (Clock::now() >= next_flush) {
      next_flush = Clock::now() + kDaemonFlushInterval;
      stream_.tick();
      lock.unlock();
      process_->discard_output();
      const bool died = process_->exited();
      lock.lock();
      if (died) {
        lock.unlock();
        start_again({});
        lock.lock();
      }
    }
    const bool flush_now = std::exchange(flush_requested_, false);
    if (!stream_.write_wanted() && !(flush_now && !stream_.empty())) continue;
    auto data = stream_.take();
    lock.unlock();
    if (!write_all(data, Clock::time_point::max())) start_again(std::move(data));
    lock.lock();
    if (stream_.empty()) stream_.drained();
  }
  // Closing, as squid's logfile_mod_daemon_close: what is queued goes first.
  auto data = stream_.take();
  lock.unlock();
  write_all(data, stop_deadline_);
  process_.reset();
}

bool DaemonDestination::write_all(std::string& data, Clock::time_point give_up) {
  // A slow or hung daemon is waited for, but closing may cut the wait short.
  const auto sent = send_until(process_->fd(), data, [&] {
    std::lock_guard lock(mutex_);
    return stopping_ ? std::min(give_up, stop_deadline_) : give_up;
  });
  const size_t written = sent.written;
  if (sent.failed) {
    // EPIPE, ECONNRESET: the daemon is gone. What it was sent but did not read is lost.
    const bool mid_line = written > 0 && data[written - 1] != '\n';
    data.erase(0, written);
    if (mid_line) {  // the rest of a cut line would be garbage to the next daemon
      const auto end = data.find('\n');
      data.erase(0, end == std::string::npos ? data.size() : end + 1);
    }
    return false;
  }
  data.clear();
  return true;
}

void DaemonDestination::start_again(std::string unwritten) {
  (void)process_->exited();
  std::ostringstream why;
  why << "logfile_daemon " << settings_.daemon_program << " for " << spec_.text << " (pid " << process_->pid() << ") ";
  why << (process_->exited() ? exit_text(process_->status()) : "stopped reading");
  restart_delay_ = Clock::now() - started_at_ < kDaemonShortLife
                       ? std::min<Clock::duration>(restart_delay_ * 2, kDaemonLongestRestartInterval)
                       : Clock::duration(kDaemonRestartInterval);
  report_daemon(why.str() + "; starting it again in " +
                std::to_string(std::chrono::duration_cast<std::chrono::seconds>(restart_delay_).count()) + " s");
  std::unique_ptr<DaemonProcess> next;
  while (!next) {
    {
      std::unique_lock lock(mutex_);
      if (wake_.wait_for(lock, restart_delay_, [&] { return stopping_; })) return;
    }
    try {
      next = std::make_unique<DaemonProcess>(settings_.daemon_program, spec_.place);
    } catch (const std::system_error& e) {
      report_daemon(std::string(e.what()) + "; trying again");
    }
  }
  started_at_ = Clock::now();
  std::lock_guard lock(mutex_);
  process_ = std::move(next);
  stream_.restart_with_header(std::move(unwritten));
  pid_ = process_->pid();
}

}  // namespace cuttle
