// cuttle's command line, Squid style: -f FILE, -N, -k ACTION, -v, -h.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace cuttle {

enum class ControlAction { None, Parse, Reconfigure, Shutdown, Rotate, Interrupt, Kill, Check };

struct Options {
  std::optional<std::string> config_file;  // none: the built-in default
  bool foreground = false;                 // -N
  ControlAction action = ControlAction::None;
  bool show_version = false;
  bool show_help = false;
};

struct OptionsResult {
  Options options;
  std::string error;  // non-empty: print with usage and exit 1
};

OptionsResult parse_options(const std::vector<std::string>& args);
std::string usage_text();

}  // namespace cuttle
