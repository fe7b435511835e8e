// HTTP dates (RFC 9110 §5.6.7): written as IMF-fixdate, e.g.
// "Sun, 06 Nov 1994 08:49:37 GMT"; read in all three historic forms.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace cuttle {

std::string http_date(std::chrono::system_clock::time_point when);

// IMF-fixdate, RFC 850 ("Sunday, 06-Nov-94 08:49:37 GMT") or asctime
// ("Sun Nov  6 08:49:37 1994"); nothing for anything else (an invalid Expires
// then means "already expired" to the caller, as RFC 9111 §5.3 says).
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text);

}  // namespace cuttle
