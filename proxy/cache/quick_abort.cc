#include "proxy/cache/quick_abort.h"

namespace cuttle {

bool fill_continues_without_client(const QuickAbort& settings, std::optional<uint64_t> expected, uint64_t received,
                                   bool whole_for_range) {
  if (settings.min_bytes < 0 || whole_for_range) return true;
  if (!expected || received > *expected) return false;  // no limit can be applied, or a bad length
  const auto left = static_cast<int64_t>(*expected - received);
  if (left < settings.min_bytes) return true;   // only a little more to go
  if (settings.max_bytes >= 0 && left > settings.max_bytes) return false;  // too much
  if (*expected < 100) return true;             // as Squid, which avoids dividing by zero so
  return static_cast<int64_t>(received / (*expected / 100)) > settings.pct;  // past the point of no return
}

}  // namespace cuttle
