// Which authentication scheme a Proxy-Authorization (or Authorization) value
// names, as Squid finds it: the value, blanks skipped, starts with the scheme's
// name in any case (a prefix compare, Squid's strncasecmp).
#pragma once

#include <algorithm>
#include <cctype>
#include <string_view>

namespace cuttle::auth {

inline bool names_scheme(std::string_view value, std::string_view scheme) {
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) value.remove_prefix(1);
  return value.size() >= scheme.size() &&
         std::equal(scheme.begin(), scheme.end(), value.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
         });
}

}  // namespace cuttle::auth
