// Which authentication scheme a Proxy-Authorization (or Authorization) value
// names, as Squid finds it: the value, blanks skipped, starts with the scheme's
// name in any case (a prefix compare, Squid's strncasecmp).
#pragma once

#include <algorithm>
#include <cctype>
#include <string_view>

namespace cuttle::auth {

// C's isspace, as Squid's xisspace skips blanks in credentials.
inline bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

inline bool names_scheme(std::string_view value, std::string_view scheme) {
  while (!value.empty() && is_space(value.front())) value.remove_prefix(1);
  return value.size() >= scheme.size() &&
         std::equal(scheme.begin(), scheme.end(), value.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
         });
}

}  // namespace cuttle::auth
