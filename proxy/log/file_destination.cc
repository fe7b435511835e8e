#include "proxy/log/file_destination.h"

#include "proxy/log/log_files.h"
#include "proxy/log/log_rotation.h"

#include <unistd.h>

#include <iostream>
#include <stdexcept>

namespace cuttle {

FileDestination::FileDestination(std::string path) : path_(std::move(path)), fd_(open_log_file(path_, "log")) {}

FileDestination::~FileDestination() { ::close(fd_); }

void FileDestination::write_line(std::string_view line, size_t) {
  std::lock_guard lock(reopening_);
  [[maybe_unused]] auto n = ::write(fd_, line.data(), line.size());
}

void FileDestination::rotate(int count) {
  std::lock_guard lock(reopening_);
  rename_numbered(path_, count);
  try {
    const int fd = open_log_file(path_, "log");
    ::close(fd_);
    fd_ = fd;
  } catch (const std::runtime_error& e) {
    // The renamed file keeps receiving lines rather than none.
    std::cerr << "cuttle: " << e.what() << std::endl;
  }
}

}  // namespace cuttle
