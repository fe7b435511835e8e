#include "proxy/server/known_target.h"

#include "proxy/server/bounded_memo.h"

namespace cuttle {
namespace {

// Per worker thread, so no locking; a few hundred KiB at most.
constexpr size_t kKnownTargetMemoEntries = 4096;
// Longer targets are rare and would make the memo's size unpredictable.
constexpr size_t kLongestRemembered = 2048;

}  // namespace

KnownTarget known_target(TargetResult parsed) {
  KnownTarget known{std::move(parsed), {}};
  if (known.parsed.target) known.url = known.parsed.target->url();
  return known;
}

std::shared_ptr<const KnownTarget> known_absolute_target(std::string_view target) {
  thread_local BoundedMemo<KnownTarget> memo(kKnownTargetMemoEntries);
  if (auto known = memo.find(target)) return known;
  auto known = std::make_shared<const KnownTarget>(known_target(parse_absolute_target(target)));
  if (target.size() <= kLongestRemembered) memo.remember(target, known);
  return known;
}

}  // namespace cuttle
