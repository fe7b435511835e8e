// Squid's html_quote (lib/html_quote.c): text made safe inside HTML, as Squid's
// error pages and deny_info pages quote request values.
#pragma once

#include <string>
#include <string_view>

namespace cuttle {

// < > " & ' as entities, control and non-ASCII bytes as &#N;.
std::string html_quote(std::string_view text);

}  // namespace cuttle
