// The configuration a cuttle given no -f reads: the installed binary
// (/usr/sbin/cuttle) reads the installed file (/etc/cuttle/cuttle.conf), as squid
// reads its own squid.conf, so `cuttle -k rotate` and friends work for an
// administrator as they do for squid; any other copy (build/cuttle) runs the
// built-in development configuration.
#pragma once

#include <optional>
#include <string>

namespace cuttle {

// Where the package and `cmake --install` put the binary and its configuration.
extern const char* const kInstalledBinary;
extern const char* const kInstalledConfig;

// The file a binary at `own_path` reads without -f; nullopt: the built-in one.
std::optional<std::string> default_config_file(const std::string& own_path);

// This process's binary (/proc/self/exe), "" when it cannot be read.
std::string own_executable_path();

}  // namespace cuttle
