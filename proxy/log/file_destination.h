// stdio: a file each line is appended to with one write(2) as it is logged, as
// squid's ModStdio writes a line at its end (O_APPEND: lines never interleave,
// whichever thread or process writes).
#pragma once

#include "proxy/log/log_destination.h"

#include <mutex>
#include <string>

namespace cuttle {

class FileDestination final : public LogDestination {
 public:
  explicit FileDestination(std::string path);  // throws std::runtime_error
  ~FileDestination() override;

  void write_line(std::string_view line, size_t second_piece = std::string_view::npos) override;
  void rotate(int count) override;
  void flush() override {}

 private:
  std::string path_;
  std::mutex reopening_;  // a line is never written to a descriptor being closed
  int fd_ = -1;
};

}  // namespace cuttle
