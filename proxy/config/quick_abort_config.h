// quick_abort_min / quick_abort_max / quick_abort_pct as squid.conf sets them
// (squid 5.7's defaults: 16 KB, 16 KB, 95 %).
#pragma once

#include <cstdint>

namespace cuttle {

struct QuickAbort {
  int64_t min_bytes = 16 << 10;  // -1 ("-1 KB", "none"): always finish a fill that is being stored
  int64_t max_bytes = 16 << 10;  // -1: no maximum
  int pct = 95;
};

}  // namespace cuttle
