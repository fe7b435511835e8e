// The bytes squid 5.7's daemon log module (src/log/ModDaemon.cc) queues for its
// logfile_daemon, and when it asks for them to be written: "r<logfile_rotate>\n"
// and "b<buffered_logs>\n" first, "L<line>" per line, "R\n" per -k rotate, and
// "F\n" whenever a write starts while none is pending (after each line with
// buffered_logs off; with it on, once 32 KiB are queued or at the 1-second
// flush). Past 128 buffers of 32 KiB lines are dropped, as squid drops them.
// Pure: the thread that writes (daemon_destination.h) takes what is queued.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace cuttle {

class DaemonStream {
 public:
  static constexpr size_t kBufferSize = 32768;        // LOGFILE_BUFSZ
  static constexpr size_t kMaxQueued = 129 * kBufferSize;  // LOGFILE_MAXBUFS: more than 128 buffers drop lines

  DaemonStream(int rotate_count, bool buffered);

  // False when the line was dropped (too much queued).
  bool add_line(std::string_view line);
  void rotate() { queued_ += "R\n"; }  // written with the next write, as squid's
  // The 1-second flush event: asks for a write of whatever is queued.
  void tick() { request_write(); }
  // A daemon started again: the header first (squid sends it once per open),
  // then what the last one was not given, then what is queued.
  void restart_with_header(std::string unwritten);

  bool write_wanted() const { return write_pending_ && !queued_.empty(); }
  // What is queued, for the writer; a write stays pending until drained().
  std::string take();
  // The writer has written everything taken and found nothing more queued.
  void drained() { write_pending_ = false; }
  bool empty() const { return queued_.empty(); }
  size_t queued_bytes() const { return queued_.size(); }

 private:
  void request_write();

  bool buffered_;
  std::string header_;
  std::string queued_;
  bool write_pending_ = false;  // squid's flush_pending: a write is scheduled or under way
};

}  // namespace cuttle
