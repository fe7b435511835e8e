#include "proxy/log/log_files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <system_error>

namespace cuttle {

int open_log_file(const std::string& path, const std::string& what) {
  const auto dir = std::filesystem::path(path).parent_path();
  std::error_code ignored;
  if (!dir.empty()) std::filesystem::create_directories(dir, ignored);
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot open " + what + " " + path + ": " + std::strerror(errno));
  return fd;
}

}  // namespace cuttle
