// Reads squid.conf-syntax configuration: one directive per line, `#` comments,
// `\` continuation, quoted tokens, `include` with globs. Errors carry file:line.
#pragma once

#include "proxy/config/config.h"

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace cuttle {

// A fatal configuration problem; what() is "file:line: message".
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct LoadedConfig {
  std::shared_ptr<const Config> config;
  std::vector<std::string> warnings;  // "file:line: warning: ..."
};

LoadedConfig load_config_file(const std::string& path);
// `name` stands in for the file name in messages; includes resolve against `base_dir`.
LoadedConfig load_config_text(std::string_view text, const std::string& name, const std::string& base_dir = ".");

}  // namespace cuttle
