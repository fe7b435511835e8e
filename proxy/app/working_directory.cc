#include "proxy/app/working_directory.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

namespace cuttle {

void enter_coredump_dir(const Config& config) {
  if (config.coredump_dir.empty()) return;
  if (::chdir(config.coredump_dir.c_str()) != 0)
    std::cerr << "cuttle: WARNING: cannot change current directory to " << config.coredump_dir << ": "
              << std::strerror(errno) << std::endl;
}

}  // namespace cuttle
