#include "proxy/cache/refresh_pattern.h"

namespace cuttle {

const std::vector<RefreshPattern>& default_refresh_patterns() {
  static const std::vector<RefreshPattern> defaults = {
      make_refresh_pattern({"^ftp:", "1440", "20%", "10080"}),
      make_refresh_pattern({"^gopher:", "1440", "0%", "1440"}),
      make_refresh_pattern({"-i", "(/cgi-bin/|\\?)", "0", "0%", "0"}),
      make_refresh_pattern({".", "0", "20%", "4320"}),
  };
  return defaults;
}

const RefreshPattern& match_refresh_pattern(const std::vector<RefreshPattern>& configured, std::string_view url) {
  const auto& patterns = configured.empty() ? default_refresh_patterns() : configured;
  for (const auto& p : patterns)
    if (p.regex->search(url)) return p;
  return default_refresh_patterns().back();
}

}  // namespace cuttle
