// daemon:PLACE — lines go to the logfile_daemon program (daemon_process.h) in
// squid's line protocol (daemon_stream.h), written by a thread of this log's own.
//
// When the daemon dies, squid 5.7 stops: its next write fails and it calls
// fatal() (the master process then starts a new worker, and with it a new
// daemon). cuttle instead starts the daemon again a second later (one that
// keeps dying within 10 seconds: twice as late each time, up to a minute),
// with the "r"/"b" header first; lines queue meanwhile. A daemon that hangs
// only fills the queue: past squid's limit (128 buffers of 32 KiB) lines are
// dropped with squid's warning every 30 seconds. Logging never waits for it.
#pragma once

#include "proxy/log/daemon_process.h"
#include "proxy/log/daemon_stream.h"
#include "proxy/log/log_destination.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace cuttle {

class DaemonDestination final : public LogDestination {
 public:
  // Starts the daemon; throws std::system_error when it cannot be.
  DaemonDestination(LogDestinationSpec spec, LogModuleSettings settings);
  // Writes what is queued (for up to 2 seconds), then closes the daemon's input.
  ~DaemonDestination() override;

  void write_line(std::string_view line, size_t second_piece = std::string_view::npos) override;
  void rotate(int count) override;
  void flush() override;

  pid_t daemon_pid() const { return pid_.load(); }  // for tests: the running daemon

 private:
  void run();
  // Writes `data`; false when the daemon is gone (`data` then holds what was not written).
  bool write_all(std::string& data, std::chrono::steady_clock::time_point give_up);
  void start_again(std::string unwritten);
  void warn_dropped();

  const LogDestinationSpec spec_;
  const LogModuleSettings settings_;
  std::unique_ptr<DaemonProcess> process_;  // the writer thread's, once started
  std::chrono::steady_clock::time_point started_at_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::duration restart_delay_ = std::chrono::milliseconds(500);  // doubled before use
  std::atomic<pid_t> pid_{-1};

  std::mutex mutex_;
  std::condition_variable wake_;
  DaemonStream stream_;
  bool flush_requested_ = false;
  bool stopping_ = false;
  std::chrono::steady_clock::time_point stop_deadline_;  // closing gives up writing then
  std::atomic<int64_t> last_drop_warning_{0};  // seconds since the epoch
  std::thread writer_;
};

}  // namespace cuttle
