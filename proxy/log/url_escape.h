// Squid's %-escaping (lib/rfc1738.c): of what it sends helpers (rfc1738_escape),
// of request-derived values in formats (rfc1738_escape_unescaped: '%' kept), and
// the undoing of it on helper replies (rfc1738_unescape). Squid's own rules, not
// RFC 3986's: helpers and log readers written for Squid expect exactly these.
#pragma once

#include <string>
#include <string_view>

namespace cuttle {

// %XX for controls, blanks, 8-bit bytes, '%' (unless `keep_percent`) and
// <>"#{}|\^~[]`' ; the rest as is.
std::string squid_escape(std::string_view text, bool keep_percent = false);

// As squid_escape, and also the reserved ;/?:@=& (rfc1738_escape_part): for a
// value placed inside a URL.
std::string squid_escape_part(std::string_view text);

// Squid's strwordquote (what protocol=2.5 helpers are sent): '"' and '\\' get a
// backslash, CR and LF become \r and \n, and the whole is in double quotes when
// it holds a blank.
std::string shell_quoted(std::string_view text);

// %XX decoded when both digits are hex and the byte is not NUL, "%%" is "%",
// anything else (a lone or malformed '%') stays as it is.
std::string squid_unescape(std::string_view text);

}  // namespace cuttle
