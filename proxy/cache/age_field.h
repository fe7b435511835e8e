// The Age field of a response (RFC 9111 §5.1), read so that a value a cache
// cannot trust never makes a stored response look younger than it may be. One
// non-negative integer on one line is trusted; anything else (text, a sign, a
// list, several lines) is not: the response is then stale (freshness.h), and the
// largest number found counts as its age, which can only make it older.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>
#include <vector>

namespace cuttle {

struct AgeField {
  std::optional<std::chrono::seconds> value;  // the largest delta-seconds found (saturating at 2^31)
  bool trusted = true;                        // absent, or exactly one valid value
};

// `lines`: the value of each Age field line, in order.
AgeField read_age_field(const std::vector<std::string_view>& lines);

}  // namespace cuttle
