#include "proxy/config/refresh_pattern_rule.h"

#include <charconv>
#include <stdexcept>

namespace cuttle {
namespace {

std::chrono::seconds minutes(const std::string& word, const char* what) {
  long long v = -1;
  auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), v);
  if (ec != std::errc() || end != word.data() + word.size() || v < 0 || v > 525600LL * 100)
    throw std::invalid_argument(std::string("refresh_pattern: ") + what + " must be whole minutes, got '" + word + "'");
  return std::chrono::minutes(v);
}

double percent(const std::string& word) {
  std::string_view w = word;
  if (w.ends_with('%')) w.remove_suffix(1);
  double v = -1;
  auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), v);
  if (w.empty() || ec != std::errc() || end != w.data() + w.size() || v < 0)
    throw std::invalid_argument("refresh_pattern: PERCENT must look like 20%, got '" + word + "'");
  return v / 100.0;
}

}  // namespace

RefreshPattern make_refresh_pattern(const std::vector<std::string>& words, std::vector<std::string>* warnings) {
  auto warn = [warnings](std::string message) {
    if (warnings) warnings->push_back(std::move(message));
  };
  RefreshPattern p;
  size_t i = 0;
  if (i < words.size() && words[i] == "-i") {
    p.case_insensitive = true;
    ++i;
  }
  if (words.size() < i + 4) throw std::invalid_argument("refresh_pattern: expected [-i] REGEX MIN PERCENT% MAX");
  p.pattern = words[i++];
  try {
    p.regex.emplace(p.pattern, p.case_insensitive);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument("refresh_pattern: bad regular expression '" + p.pattern + "': " + e.what());
  }
  p.min = minutes(words[i++], "MIN");
  p.percent = percent(words[i++]);
  p.max = minutes(words[i++], "MAX");
  for (; i < words.size(); ++i) {
    const auto& o = words[i];
    if (o == "override-expire") p.override_expire = true;
    else if (o == "override-lastmod") p.override_lastmod = true;
    else if (o == "reload-into-ims") p.reload_into_ims = true;
    else if (o == "ignore-reload") p.ignore_reload = true;
    else if (o == "ignore-no-store") p.ignore_no_store = true;
    else if (o == "ignore-private") p.ignore_private = true;
    else if (o == "refresh-ims") p.refresh_ims = true;
    else if (o == "store-stale") p.store_stale = true;
    else if (o.starts_with("max-stale=")) {
      long long v = -1;
      auto s = std::string_view(o).substr(10);
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (ec != std::errc() || end != s.data() + s.size() || v < 0)
        throw std::invalid_argument("refresh_pattern: bad max-stale= value in '" + o + "'");
      p.max_stale = std::chrono::seconds(v);
    } else if (o == "ignore-no-cache" || o == "ignore-must-revalidate" || o == "ignore-auth") {
      warn("refresh_pattern option '" + o + "' is obsolete (squid 5.7 ignores it too). Remove it.");
    } else {
      // Squid logs it and goes on; an option it does not know loosens nothing.
      warn("refresh_pattern: unknown option '" + o + "' ignored, as squid 5.7 ignores it");
    }
  }
  return p;
}

}  // namespace cuttle
