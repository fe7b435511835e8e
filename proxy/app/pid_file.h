// The pid file that -k actions use to find the running instance. Held with an
// exclusive lock for the process lifetime, so a second cuttle on the same config
// refuses to start and a stale file left by a crash is detected as stale.
#pragma once

#include <optional>
#include <string>
#include <sys/types.h>

namespace cuttle {

// The pid of a running cuttle that holds `path`, if any.
std::optional<pid_t> running_pid(const std::string& path);

class PidFile {
 public:
  // Creates directories, locks and writes our pid; throws std::runtime_error when
  // another live instance holds it.
  explicit PidFile(std::string path);
  ~PidFile();
  PidFile(const PidFile&) = delete;
  PidFile& operator=(const PidFile&) = delete;

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace cuttle
