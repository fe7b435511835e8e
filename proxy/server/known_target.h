// A request's target parsed, with its effective URL (the cache key and the
// access.log URL) built once. Parsing an absolute-form target with Boost.URL was
// about a seventh of a small cached hit's user-space instructions; the URLs of hot
// objects repeat, so each worker thread remembers the targets it parsed recently.
#pragma once

#include "proxy/http/request_target.h"

#include <memory>
#include <string>
#include <string_view>

namespace cuttle {

struct KnownTarget {
  TargetResult parsed;
  std::string url;  // parsed.target->url(); empty when the target was refused
};

KnownTarget known_target(TargetResult parsed);

// parse_absolute_target(target), from this thread's memo when it parsed the same
// bytes recently.
std::shared_ptr<const KnownTarget> known_absolute_target(std::string_view target);

}  // namespace cuttle
