// Entity-tag comparison (RFC 9110 §8.8.3.2) and the If-None-Match list grammar.
#pragma once

#include <string_view>

namespace cuttle {

// `W/"x"` and `"x"` match weakly; strongly only when neither is weak.
bool weak_etag_match(std::string_view a, std::string_view b);
bool strong_etag_match(std::string_view a, std::string_view b);

// Whether `list` (an If-None-Match / If-Match value: "*" or comma-separated
// entity-tags) names `etag`, weakly or strongly compared.
bool etag_list_matches(std::string_view list, std::string_view etag, bool weak);

}  // namespace cuttle
