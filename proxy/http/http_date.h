// IMF-fixdate (RFC 9110 §5.6.7), e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
#pragma once

#include <chrono>
#include <string>

namespace cuttle {

std::string http_date(std::chrono::system_clock::time_point when);

}  // namespace cuttle
