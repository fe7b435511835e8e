// Unit tests' shortcut to the configuration loader: the error a squid.conf text
// gets ("file:line: why"), or "" when it loads.
#pragma once

#include "proxy/config/config_parser.h"

#include <string>
#include <string_view>

namespace cuttle::testing {

inline std::string config_error_of(std::string_view text) {
  try {
    load_config_text(text, "test.conf");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace cuttle::testing
