#include "proxy/config/access_log_selection.h"

#include <algorithm>

namespace cuttle {
std::vector<std::string> access_log_paths(const std::vector<AccessLogConfig>& logs) {
  std::vector<std::string> paths;
  for (const auto& log : logs)
    if (!log.path.empty()) paths.push_back(log.path);
  return paths;
}

LogModuleSettings log_module_settings(const Config& config) {
  return {.daemon_program = config.logfile_daemon,
          .daemon_rotate_count = config.logfile_rotate,
          .buffered = config.buffered_logs};
}

std::vector<std::shared_ptr<const LogFormat>> access_log_formats(const std::vector<AccessLogConfig>& logs) {
  std::vector<std::shared_ptr<const LogFormat>> formats;
  for (const auto& log : logs)
    if (!log.path.empty()) formats.push_back(log.format);
  return formats;
}

std::vector<int> access_log_rotations(const Config& config) {
  std::vector<int> counts;
  for (const auto& log : config.access_logs)
    if (!log.path.empty()) counts.push_back(log.rotate.value_or(config.logfile_rotate));
  return counts;
}

uint64_t access_log_files(const std::vector<AccessLogConfig>& logs, const RequestFacts& facts) {
  uint64_t files = 0;
  size_t index = 0;
  for (const auto& log : logs) {
    const bool applies = all_acls_match(log.acls, facts);
    if (log.path.empty()) {
      if (applies) break;
      continue;
    }
    if (applies) files |= uint64_t{1} << index;
    ++index;
  }
  return files;
}

bool access_logs_select(const std::vector<AccessLogConfig>& logs) {
  return std::any_of(logs.begin(), logs.end(),
                     [](const AccessLogConfig& log) { return log.path.empty() || !log.acls.acls.empty(); });
}

}  // namespace cuttle
