// syslog:FACILITY.PRIORITY — each line sent with syslog(3) as squid 5.7's
// ModSyslog sends it: syslog(priority, "%s", line), newline included, one call
// per piece squid writes (log_mime_hdrs' headers are a second message). The
// ident is "squid" and the default facility user, as a squid -N (or a squid
// worker) sends them; no pid. glibc's syslog() may block on a full /dev/log, so
// one thread of the process makes the calls, for every syslog log in the order
// lines were logged; past 4 MiB waiting, lines are dropped with a warning every
// 30 seconds.
#pragma once

#include "proxy/log/log_destination.h"

#include <atomic>
#include <cstdint>

namespace cuttle {

class SyslogDestination final : public LogDestination {
 public:
  static constexpr size_t kMaxQueued = 4 << 20;

  explicit SyslogDestination(LogDestinationSpec spec);
  // Waits (2 seconds at most) until this log's lines are sent.
  ~SyslogDestination() override;

  void write_line(std::string_view line, size_t second_piece = std::string_view::npos) override;
  void rotate(int) override {}
  void flush() override {}

 private:
  const LogDestinationSpec spec_;
  std::atomic<uint64_t> last_queued_{0};  // the sender's number of this log's last message
  std::atomic<int64_t> last_drop_warning_{0};
};

}  // namespace cuttle
