// quick_abort_min / quick_abort_max / quick_abort_pct: whether a cache fill
// goes on once its client has left (Squid's CheckQuickAbortIsReasonable).
#pragma once

#include "proxy/config/quick_abort_config.h"

#include <cstdint>
#include <optional>

namespace cuttle {

// `expected` and `received` count the reply's header and body, as Squid's
// entry offsets do; `expected` is empty when the reply gave no length.
// `whole_for_range`: the fill is the whole object fetched for a Range request
// under range_offset_limit -1 (Squid then always finishes it).
bool fill_continues_without_client(const QuickAbort& settings, std::optional<uint64_t> expected, uint64_t received,
                                   bool whole_for_range);

}  // namespace cuttle
