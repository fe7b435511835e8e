#include "proxy/config/default_port.h"

namespace cuttle {

uint16_t default_port(std::string_view scheme) {
  // Squid's AnyP::UriScheme::defaultPort, for the schemes cuttle meets.
  if (scheme == "http") return 80;
  if (scheme == "https") return 443;
  if (scheme == "ftp") return 21;
  if (scheme == "gopher") return 70;
  if (scheme == "wais") return 210;
  if (scheme == "whois") return 43;
  if (scheme == "cache_object") return kCacheObjectDefaultPort;
  return 0;
}

}  // namespace cuttle
