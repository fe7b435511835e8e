// Squid's html_quote (lib/html_quote.c): text made safe inside HTML, as Squid's
// error pages and deny_info pages quote request values.
#pragma once

#include <string>
#include <string_view>

namespace cuttle {

// < > " & ' as entities, control bytes other than CR, LF and TAB and non-ASCII
// bytes as &#NNN; (padded with blanks, as Squid writes them).
std::string html_quote(std::string_view text);

}  // namespace cuttle
