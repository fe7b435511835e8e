// One log's output through one of squid 5.7's log modules: a file (stdio), the
// logfile_daemon program (daemon), syslog(3), a UDP or a TCP receiver. Every log
// writes through this (access.log, and cache_store_log):
//
//   auto out = open_log_destination(parse_log_destination("daemon:/var/log/squid/store.log"),
//                                   log_module_settings(config));  // proxy/config/access_log_selection.h
//   out->write_line("1700000000.123 RELEASE …\n");   // from any thread; never blocks on I/O
//   out->rotate(config.logfile_rotate);              // -k rotate
//   out.reset();                                     // reconfigure: close (queued lines are written), open anew
//
// write_line only queues (or, for a file, appends with one write(2), as squid's
// stdio module): the modules that can block (daemon, syslog, tcp, udp) do their
// I/O on a thread of their own, with a bounded queue, so a hung or dead
// receiver never holds up the thread logging.
#pragma once

#include "proxy/log/log_destination_spec.h"

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace cuttle {

// What a destination takes from the configuration besides its place.
struct LogModuleSettings {
  std::string daemon_program = "/usr/lib/squid/log_file_daemon";  // logfile_daemon
  int daemon_rotate_count = 10;    // logfile_rotate: told to the daemon once ("r10")
  bool buffered = false;           // buffered_logs (daemon, tcp)
  size_t buffer_size = 64 * 1024;  // access_log buffer-size= (udp: at most 1400; tcp: at least 32 KiB)
  bool die_on_error = true;        // access_log on-error=die (tcp: a full buffer ends cuttle, as squid)
};

class LogDestination {
 public:
  virtual ~LogDestination() = default;  // writes what is queued (within a bounded wait), then closes
  // One whole line with its newline. `second_piece`: where squid writes the line
  // in two calls (the " [headers] [headers]" of log_mime_hdrs in the squid,
  // common and combined formats); syslog and udp send the pieces separately, as squid.
  virtual void write_line(std::string_view line, size_t second_piece = std::string_view::npos) = 0;
  // -k rotate: stdio renames PATH to PATH.0 (keeping `count` old files) and
  // reopens; daemon tells its daemon "R"; syslog, udp and tcp do nothing.
  virtual void rotate(int count) = 0;
  // Writes what is queued soon, without waiting for it (squid's logfileFlush).
  virtual void flush() = 0;
};

// Opens (spawns the daemon, resolves the host, opens the file). Throws
// std::runtime_error naming the destination when it cannot.
std::unique_ptr<LogDestination> open_log_destination(const LogDestinationSpec& spec,
                                                      const LogModuleSettings& settings);

}  // namespace cuttle
