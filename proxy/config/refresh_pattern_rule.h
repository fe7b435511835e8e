// One refresh_pattern line as configured: per-URL limits for heuristic freshness.
//   refresh_pattern [-i] REGEX MIN_MINUTES PERCENT% MAX_MINUTES [options]
// A value of the configuration; the matching and Squid's defaults are cache policy
// (proxy/cache/refresh_pattern.h).
#pragma once

#include "proxy/config/posix_regex.h"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace cuttle {

struct RefreshPattern {
  std::string pattern;
  bool case_insensitive = false;
  std::optional<PosixRegex> regex;  // always set by make_refresh_pattern
  std::chrono::seconds min{0};
  double percent = 0.2;  // 20% is 0.2
  std::chrono::seconds max{std::chrono::hours(72)};
  bool override_expire = false;
  bool override_lastmod = false;
  bool reload_into_ims = false;
  bool ignore_reload = false;
  bool ignore_no_store = false;
  bool ignore_private = false;
  bool refresh_ims = false;
  bool store_stale = false;
  std::optional<std::chrono::seconds> max_stale;
  std::string where;  // file:line
};

// Builds a pattern from the directive's words (after the directive name); throws
// std::invalid_argument with a message fit for "file:line: message". Options
// Squid 5.7 drops (obsolete or unknown ones) are dropped too, with a message
// added to `warnings` when given.
RefreshPattern make_refresh_pattern(const std::vector<std::string>& words,
                                    std::vector<std::string>* warnings = nullptr);

}  // namespace cuttle
