// Where a log's lines go, as squid 5.7's logfileOpen (src/log/File.cc) reads the
// place an access_log (or cache_store_log) names: "stdio:PATH",
// "daemon:PLACE", "syslog:FACILITY.PRIORITY", "udp://HOST:PORT",
// "tcp://HOST:PORT"; any other text is a stdio file. Pure: names are resolved
// when the log is opened (log_destination.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cuttle {

enum class LogModule { Stdio, Daemon, Syslog, Udp, Tcp };

struct LogDestinationSpec {
  LogModule module = LogModule::Stdio;
  std::string text;  // as written, for messages
  // stdio: the file; daemon: the logfile_daemon's argument; syslog: what follows
  // "syslog:"; udp, tcp: the host name or address ("" with no host: any address).
  std::string place;
  uint16_t port = 0;         // udp, tcp
  int syslog_priority = 6;   // syslog: as squid computes it (syslog_priority.h)
  // What squid does with this text that an admin may not expect (warned at parse time).
  std::vector<std::string> notes;
};

// Throws std::invalid_argument saying what is wrong (squid's fatal errors at
// open time, found when the configuration is read instead).
LogDestinationSpec parse_log_destination(std::string_view text);

// "stdio", "daemon", …: the module's prefix without its colon.
std::string_view log_module_name(LogModule module);

}  // namespace cuttle
