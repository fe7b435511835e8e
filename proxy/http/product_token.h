// What Server, Via and error pages call this proxy.
#pragma once

#include <string_view>

namespace cuttle {

inline constexpr std::string_view kProductToken = "cuttle/" CUTTLE_VERSION_STRING;
// Squid's APP_SHORTNAME: the name without the version, for httpd_suppress_version_string.
inline constexpr std::string_view kProductName = "cuttle";

inline std::string_view product_token(bool suppress_version) { return suppress_version ? kProductName : kProductToken; }

}  // namespace cuttle
