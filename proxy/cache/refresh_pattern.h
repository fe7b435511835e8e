// Squid's refresh_pattern matching: first match wins; with none configured,
// Squid's four defaults apply. The pattern itself is a configuration value
// (proxy/config/refresh_pattern_rule.h).
#pragma once

#include "proxy/config/refresh_pattern_rule.h"

#include <string_view>
#include <vector>

namespace cuttle {

// Squid's defaults: ^ftp: 1440 20% 10080, ^gopher: 1440 0% 1440,
// -i (/cgi-bin/|\?) 0 0% 0, . 0 20% 4320.
const std::vector<RefreshPattern>& default_refresh_patterns();

// The first configured pattern matching `url` (the defaults when none are
// configured); Squid's built-in ". 0 20% 4320" when nothing matches.
const RefreshPattern& match_refresh_pattern(const std::vector<RefreshPattern>& configured, std::string_view url);

}  // namespace cuttle
