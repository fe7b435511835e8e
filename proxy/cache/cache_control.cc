#include "proxy/cache/cache_control.h"

#include "proxy/config/ascii_case.h"
#include "proxy/http/header_rules.h"

#include <algorithm>
#include <charconv>
#include <string>

namespace cuttle {
namespace {

// delta-seconds; RFC 9111 §1.2.2: values too large to represent saturate at 2^31.
std::optional<int64_t> delta_seconds(std::string_view v) {
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);  // tolerated quoting
  if (v.empty() || !std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isdigit(c); })) return std::nullopt;
  if (v.size() > 10) return int64_t{2147483648};
  int64_t n = 0;
  std::from_chars(v.data(), v.data() + v.size(), n);
  return std::min<int64_t>(n, 2147483648);
}

// Splits on commas outside quoted strings.
template <class F>
void for_each_directive(std::string_view value, F&& f) {
  size_t start = 0;
  bool quoted = false;
  for (size_t i = 0; i <= value.size(); ++i) {
    if (i < value.size() && value[i] == '"') quoted = !quoted;
    if (i == value.size() || (value[i] == ',' && !quoted)) {
      auto item = trim(value.substr(start, i - start));
      if (!item.empty()) {
        auto eq = item.find('=');
        f(trim(item.substr(0, eq)), eq == std::string_view::npos ? std::string_view() : trim(item.substr(eq + 1)),
          eq != std::string_view::npos);
      }
      start = i + 1;
    }
  }
}

// The field names of a qualified no-cache / private: a quoted, comma-separated list.
std::vector<std::string> qualified_field_names(std::string_view arg) {
  if (arg.size() >= 2 && arg.front() == '"' && arg.back() == '"') arg = arg.substr(1, arg.size() - 2);
  std::vector<std::string> names;
  for (size_t start = 0; start <= arg.size();) {
    const size_t comma = std::min(arg.find(',', start), arg.size());
    std::string name(trim(arg.substr(start, comma - start)));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    if (!name.empty()) names.push_back(std::move(name));
    start = comma + 1;
  }
  return names;
}

}  // namespace

CacheControl parse_cache_control(std::string_view value) {
  CacheControl cc;
  for_each_directive(value, [&](std::string_view name, std::string_view arg, bool has_arg) {
    if (ascii_iequals(name, "max-age")) cc.max_age = delta_seconds(arg).value_or(0);  // invalid: treat as stale
    else if (ascii_iequals(name, "s-maxage")) cc.s_maxage = delta_seconds(arg).value_or(0);
    else if (ascii_iequals(name, "min-fresh")) cc.min_fresh = delta_seconds(arg);
    else if (ascii_iequals(name, "max-stale")) {
      cc.max_stale = true;
      if (has_arg) cc.max_stale_value = delta_seconds(arg);
    } else if (ascii_iequals(name, "stale-while-revalidate")) cc.stale_while_revalidate = delta_seconds(arg);
    else if (ascii_iequals(name, "stale-if-error")) cc.stale_if_error = delta_seconds(arg);
    // no-cache and private may carry field names; the qualified forms are treated
    // like the unqualified ones (allowed by RFC 9111 §5.2.2.4 and §5.2.2.7).
    else if (ascii_iequals(name, "no-cache")) {
      cc.no_cache = true;
      if (has_arg) cc.no_cache_fields = qualified_field_names(arg);
    }
    else if (ascii_iequals(name, "no-store")) cc.no_store = true;
    else if (ascii_iequals(name, "no-transform")) cc.no_transform = true;
    else if (ascii_iequals(name, "only-if-cached")) cc.only_if_cached = true;
    else if (ascii_iequals(name, "must-revalidate")) cc.must_revalidate = true;
    else if (ascii_iequals(name, "proxy-revalidate")) cc.proxy_revalidate = true;
    else if (ascii_iequals(name, "must-understand")) cc.must_understand = true;
    else if (ascii_iequals(name, "private")) {
      cc.is_private = true;
      if (has_arg) cc.private_fields = qualified_field_names(arg);
    }
    else if (ascii_iequals(name, "public")) cc.is_public = true;
    else if (ascii_iequals(name, "immutable")) cc.immutable = true;
  });
  return cc;
}

}  // namespace cuttle
