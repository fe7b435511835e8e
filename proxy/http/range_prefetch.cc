#include "proxy/http/range_prefetch.h"

#include "proxy/http/byte_ranges.h"

#include <algorithm>
#include <climits>

namespace cuttle {

std::optional<int64_t> range_first_offset(std::string_view value) {
  const auto specs = parse_range_specs(value);
  if (!specs) return std::nullopt;  // Squid drops a header it cannot read
  uint64_t lowest = INT64_MAX;
  for (const auto& spec : *specs) {
    if (!spec.first) return -1;  // a suffix range: a tail request
    lowest = std::min<uint64_t>(lowest, *spec.first);
  }
  return static_cast<int64_t>(lowest);
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
