// The %-escaping Squid applies to what it sends helpers (rfc1738_escape) and
// undoes on their replies (rfc1738_unescape). Squid's own rules, not RFC 3986's:
// helpers written for Squid expect exactly these.
#pragma once

#include <string>
#include <string_view>

namespace cuttle::helpers {

// %XX for controls, blanks, 8-bit bytes, '%' and <>"#{}|\^~[]`' ; the rest as is.
std::string squid_escape(std::string_view text);

// %XX decoded when both digits are hex and the byte is not NUL, "%%" is "%",
// anything else (a lone or malformed '%') stays as it is.
std::string squid_unescape(std::string_view text);

}  // namespace cuttle::helpers
