// Squid's relaxed request-target (relaxed_header_parser on, its default): any
// visible byte in a URL's path and query, where RFC 3986 allows fewer. Real
// requests carry '|', '{', '"', '<', '^' and 8-bit bytes, and squid 5.7 serves
// them; Boost.URL checks only RFC 3986 URIs. So the parsers check a copy with
// such bytes %-encoded, and keep the path as the client sent it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cuttle {

// `path_and_query` with each visible byte RFC 3986 does not allow there, and
// each '%' that starts no %XX, %-encoded; blanks and controls are kept, so the
// strict parse still refuses them. Nothing (no copy) when it has no such byte,
// as almost every request target.
std::optional<std::string> encoded_for_strict_parse(std::string_view path_and_query);

// Where the path of an absolute URL starts: after "scheme://authority".
size_t path_start(std::string_view absolute_url);

// The origin-form path as sent ("/" when empty, the fragment left out).
std::string raw_origin_form(std::string_view path_and_query);

}  // namespace cuttle
