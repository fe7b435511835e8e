#include "proxy/app/installed_config.h"

#include <filesystem>
#include <system_error>

namespace cuttle {

// From GNUInstallDirs (proxy/CMakeLists.txt), so another prefix stays coherent.
const char* const kInstalledBinary = CUTTLE_INSTALLED_BINARY;
const char* const kInstalledConfig = CUTTLE_INSTALLED_CONFIG;

std::optional<std::string> default_config_file(const std::string& own_path) {
  if (own_path != kInstalledBinary) return std::nullopt;
  return std::string(kInstalledConfig);
}

std::string own_executable_path() {
  std::error_code error;
  auto path = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::string() : path.string();
}

}  // namespace cuttle
