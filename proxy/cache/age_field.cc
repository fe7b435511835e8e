#include "proxy/cache/age_field.h"

#include "proxy/http/header_rules.h"

#include <algorithm>
#include <charconv>
#include <cstdint>

namespace cuttle {
namespace {

// delta-seconds (RFC 9111 §1.2.2): digits only; a value too large saturates at 2^31.
std::optional<std::chrono::seconds> age_delta_seconds(std::string_view v) {
  if (v.empty() || !std::all_of(v.begin(), v.end(), [](unsigned char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  constexpr int64_t kLargest = 2147483648;
  if (v.size() > 10) return std::chrono::seconds(kLargest);
  int64_t n = 0;
  std::from_chars(v.data(), v.data() + v.size(), n);
  return std::chrono::seconds(std::min(n, kLargest));
}

}  // namespace

AgeField read_age_field(const std::vector<std::string_view>& lines) {
  AgeField age;
  size_t members = 0;
  for (auto line : lines) {
    for (size_t start = 0;;) {
      const size_t comma = std::min(line.find(',', start), line.size());
      ++members;
      if (auto value = age_delta_seconds(trim(line.substr(start, comma - start)))) {
        if (!age.value || *value > *age.value) age.value = value;
      } else {
        age.trusted = false;
      }
      if (comma == line.size()) break;
      start = comma + 1;
    }
  }
  if (members > 1) age.trusted = false;
  return age;
}

}  // namespace cuttle
