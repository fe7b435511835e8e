#include "proxy/http/byte_ranges.h"

#include "proxy/http/header_rules.h"

#include <algorithm>
#include <charconv>
#include <optional>

namespace cuttle {
namespace {

std::optional<uint64_t> digits(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

bool overlapping_or_unordered(const std::vector<ByteRange>& ranges) {
  for (size_t i = 1; i < ranges.size(); ++i)
    if (ranges[i].first <= ranges[i - 1].last + 1) return true;
  return false;
}

std::vector<ByteRange> coalesce(std::vector<ByteRange> ranges) {
  std::sort(ranges.begin(), ranges.end(), [](auto& a, auto& b) { return a.first < b.first; });
  std::vector<ByteRange> out;
  for (const auto& r : ranges) {
    if (!out.empty() && r.first <= out.back().last + 1) out.back().last = std::max(out.back().last, r.last);
    else out.push_back(r);
  }
  return out;
}

}  // namespace

std::optional<std::vector<RangeSpec>> parse_range_specs(std::string_view header) {
  header = trim(header);
  constexpr std::string_view kUnit = "bytes=";
  if (header.size() < kUnit.size() ||
      !std::equal(kUnit.begin(), kUnit.end(), header.begin(), [](char a, char b) { return a == std::tolower(b); }))
    return std::nullopt;  // absent, or a unit cuttle does not serve: ignored (§14.2)
  std::vector<RangeSpec> parsed;
  std::string_view specs = header.substr(kUnit.size());
  size_t start = 0;
  for (size_t i = 0; i <= specs.size(); ++i) {
    if (i < specs.size() && specs[i] != ',') continue;
    auto spec = trim(specs.substr(start, i - start));
    start = i + 1;
    if (spec.empty()) continue;  // the list grammar allows empty elements
    auto dash = spec.find('-');
    if (dash == std::string_view::npos) return std::nullopt;
    auto first_text = trim(spec.substr(0, dash)), last_text = trim(spec.substr(dash + 1));
    RangeSpec range;
    if (!first_text.empty() && !(range.first = digits(first_text))) return std::nullopt;
    if (!last_text.empty() && !(range.last = digits(last_text))) return std::nullopt;
    if (!range.first && !range.last) return std::nullopt;          // "-": neither
    if (range.first && range.last && *range.last < *range.first) return std::nullopt;  // invalid range-spec
    parsed.push_back(range);
  }
  if (parsed.empty()) return std::nullopt;
  return parsed;
}

ResolvedRanges resolve_ranges(std::string_view header, uint64_t length) {
  const auto specs = parse_range_specs(header);
  if (!specs) return {};
  std::vector<ByteRange> satisfiable;
  for (const auto& spec : *specs) {
    if (!spec.first) {  // suffix-range: the last N bytes
      if (*spec.last == 0 || length == 0) continue;
      satisfiable.push_back({length - std::min(*spec.last, length), length - 1});
    } else if (*spec.first < length) {
      satisfiable.push_back({*spec.first, std::min(spec.last.value_or(length - 1), length - 1)});
    }
  }
  if (satisfiable.empty()) return {RangeOutcome::Unsatisfiable, {}};
  if (satisfiable.size() > kMaxRangesBeforeCoalescing || overlapping_or_unordered(satisfiable))
    satisfiable = coalesce(std::move(satisfiable));
  return {RangeOutcome::Satisfiable, std::move(satisfiable)};
}

std::string content_range(const ByteRange& range, uint64_t length) {
  return "bytes " + std::to_string(range.first) + "-" + std::to_string(range.last) + "/" + std::to_string(length);
}

}  // namespace cuttle
