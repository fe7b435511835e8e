// range_offset_limit: whether a Range request that misses fetches the whole
// object (stored, the client served its range from it) or goes upstream as it
// is (Squid's HttpStateData::decideIfWeDoRanges and HttpHdrRange::offsetLimitExceeded).
#pragma once

#include "proxy/config/config.h"

#include <cstdint>
#include <optional>
#include <string_view>

namespace cuttle {

// Squid's HttpHdrRange::firstOffset: the lowest first-byte-pos of a
// "bytes=…" value; empty for a value Squid does not read as ranges; -1 when a
// suffix range ("-500") is among them (a tail request).
std::optional<int64_t> range_first_offset(std::string_view range_header);

enum class RangeFetch {
  AsAsked,             // the Range goes upstream; the 206 is not stored
  WholeObject,         // the first range starts within the limit
  WholeObjectAlways,   // range_offset_limit none: and the fill ends whatever the client does
};

// The first range_offset_limit line whose ACLs match decides (none: 0, as asked).
RangeFetch range_fetch(const Config& config, const RequestFacts& facts, std::string_view range_header);

}  // namespace cuttle
