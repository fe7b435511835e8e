// Opening a stdio log file for appending, as every log does (squid's numbered
// rotation is log_rotation.h's).
#pragma once

#include <string>

namespace cuttle {

// O_WRONLY|O_APPEND|O_CREAT, mode 0644, close-on-exec; the directories are made
// first. Throws std::runtime_error "cannot open <what> PATH: reason".
int open_log_file(const std::string& path, const std::string& what = "access_log");

}  // namespace cuttle
