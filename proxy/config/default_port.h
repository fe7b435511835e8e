// Squid's default port per URL scheme (AnyP::UriScheme::defaultPort). It sits
// with the configuration because ACLs compare it (url_regex sees URLs without
// it); proxy/http's target parsing, above, uses the same table.
#pragma once

#include <cstdint>
#include <string_view>

namespace cuttle {

// Squid's CACHE_HTTP_PORT: a cache_object:// URL without a port names this one.
constexpr uint16_t kCacheObjectDefaultPort = 3128;

// The scheme's default port as Squid knows it (port ACLs see it when a URL names
// none); 0 for a scheme Squid has no default for.
uint16_t default_port(std::string_view scheme);

}  // namespace cuttle
