#include "proxy/log/log_rotation.h"

#include <sys/stat.h>

#include <cstdio>

namespace cuttle {

void rename_numbered(const std::string& path, int count) {
  struct stat st {};
  if (count <= 0 || (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))) return;
  for (int i = count - 1; i >= 1; --i)
    std::rename((path + "." + std::to_string(i - 1)).c_str(), (path + "." + std::to_string(i)).c_str());
  std::rename(path.c_str(), (path + ".0").c_str());
}

}  // namespace cuttle
