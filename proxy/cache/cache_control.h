// Cache-Control (RFC 9111 §5.2) parsed into the directives caching decisions use.
// Unknown directives are ignored, as the RFC requires; a malformed delta-seconds
// makes its directive count as present without a usable value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cuttle {

struct CacheControl {
  // Response and request directives share names; each side reads its own.
  std::optional<int64_t> max_age;
  std::optional<int64_t> s_maxage;
  std::optional<int64_t> min_fresh;
  bool max_stale = false;                // present, with or without a value
  std::optional<int64_t> max_stale_value;
  std::optional<int64_t> stale_while_revalidate;
  std::optional<int64_t> stale_if_error;
  bool no_cache = false;
  bool no_store = false;
  bool no_transform = false;
  bool only_if_cached = false;
  bool must_revalidate = false;
  bool proxy_revalidate = false;
  bool must_understand = false;
  bool is_private = false;
  bool is_public = false;
  bool immutable = false;
  // The field names (lowercase) no-cache="…" and private="…" list: those fields
  // are not to be reused without revalidation, or stored.
  std::vector<std::string> no_cache_fields;
  std::vector<std::string> private_fields;
};

// Parses every Cache-Control field value of a message joined with ", ".
CacheControl parse_cache_control(std::string_view value);

}  // namespace cuttle
