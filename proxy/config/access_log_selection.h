// Which access_log files a transaction goes to, as Squid's accessLogLog: the
// lines in order, each whose ACLs all match applies; a matching `none` line ends
// the walk, so the files after it do not log that transaction.
#pragma once

#include "proxy/config/config.h"
#include "proxy/log/log_destination.h"

#include <cstdint>
#include <string>
#include <vector>

namespace cuttle {

// The destinations to open, as written, in order (`none` lines have none).
std::vector<std::string> access_log_paths(const std::vector<AccessLogConfig>& logs);
// What every log module takes from the configuration (logfile_daemon,
// logfile_rotate, buffered_logs); any log opened with open_log_destination
// (the store log too) takes these.
LogModuleSettings log_module_settings(const Config& config);
// How many old copies -k rotate keeps of each, in the same order.
std::vector<int> access_log_rotations(const Config& config);
// Their formats, in the same order (null: Squid's native one).
std::vector<std::shared_ptr<const LogFormat>> access_log_formats(const std::vector<AccessLogConfig>& logs);
// Bit i: the i-th of access_log_paths(). An ACL that would need credentials
// checked does not match (a fast check, as Squid's).
uint64_t access_log_files(const std::vector<AccessLogConfig>& logs, const RequestFacts& facts);
// Whether any line has ACLs or is `none` (otherwise every file logs everything).
bool access_logs_select(const std::vector<AccessLogConfig>& logs);

}  // namespace cuttle
