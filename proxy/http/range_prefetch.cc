#include "proxy/http/range_prefetch.h"

#include <boost/algorithm/string/predicate.hpp>

#include <charconv>

namespace cuttle {
namespace {

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<uint64_t> number(std::string_view digits) {
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc{} || end != digits.data() + digits.size() || digits.empty()) return std::nullopt;
  return value;
}

// One spec's first byte: -1 for a suffix ("-500"); empty when malformed.
std::optional<int64_t> spec_offset(std::string_view spec) {
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  const auto first = trimmed(spec.substr(0, dash)), last = trimmed(spec.substr(dash + 1));
  if (first.empty()) return number(last) ? std::optional<int64_t>(-1) : std::nullopt;
  const auto from = number(first);
  if (!from || (!last.empty() && (!number(last) || *number(last) < *from))) return std::nullopt;
  return static_cast<int64_t>(*from);
}

}  // namespace

std::optional<int64_t> range_first_offset(std::string_view value) {
  value = trimmed(value);
  if (!boost::istarts_with(value, "bytes=")) return std::nullopt;
  value.remove_prefix(6);
  std::optional<int64_t> lowest;
  while (!value.empty()) {
    const auto comma = value.find(',');
    const auto spec = trimmed(value.substr(0, comma));
    value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
    if (spec.empty()) continue;
    const auto offset = spec_offset(spec);
    if (!offset) return std::nullopt;  // Squid drops the whole header
    if (!lowest || *offset < *lowest) lowest = *offset;
  }
  return lowest;
}

RangeFetch range_fetch(const Config& config, const RequestFacts& facts, std::string_view range_header) {
  const auto first = range_first_offset(range_header);
  if (!first) return RangeFetch::AsAsked;
  for (const auto& line : config.range_offset_limit) {
    if (!all_acls_match(line.acls, facts)) continue;
    if (!line.bytes) return RangeFetch::WholeObjectAlways;
    if (*line.bytes == 0 || *first < 0) return RangeFetch::AsAsked;  // disabled, or a tail request
    return static_cast<uint64_t>(*first) <= *line.bytes ? RangeFetch::WholeObject : RangeFetch::AsAsked;
  }
  return RangeFetch::AsAsked;
}

}  // namespace cuttle
