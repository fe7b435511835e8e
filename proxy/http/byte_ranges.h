// The Range request header (RFC 9110 §14.1.2, §14.2) resolved against a
// representation of known length: the byte ranges to send, or why none.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cuttle {

struct ByteRange {
  uint64_t first = 0;
  uint64_t last = 0;  // inclusive
  uint64_t size() const { return last - first + 1; }
  bool operator==(const ByteRange&) const = default;
};

enum class RangeOutcome {
  Ignore,         // no Range, another unit, or a syntax error: send the whole representation
  Satisfiable,    // send `ranges` (206)
  Unsatisfiable,  // none overlaps the representation: 416
};

struct ResolvedRanges {
  RangeOutcome outcome = RangeOutcome::Ignore;
  std::vector<ByteRange> ranges;
};

// More ranges than this (or overlapping ones) are coalesced: a request for
// thousands of tiny ranges must not turn into thousands of multipart headers.
constexpr size_t kMaxRangesBeforeCoalescing = 16;

// One byte-range-spec as written: `first`-`last` (`last` empty: to the end), or
// a suffix range (`first` empty): the last `last` bytes.
struct RangeSpec {
  std::optional<uint64_t> first;
  std::optional<uint64_t> last;
};

// The specs of a "bytes=…" value; nullopt for another unit or a syntax error
// (the whole field is then ignored, RFC 9110 §14.2), or when there is no spec.
std::optional<std::vector<RangeSpec>> parse_range_specs(std::string_view range_header);

ResolvedRanges resolve_ranges(std::string_view range_header, uint64_t length);

// "bytes 0-499/1234"
std::string content_range(const ByteRange& range, uint64_t length);

}  // namespace cuttle
