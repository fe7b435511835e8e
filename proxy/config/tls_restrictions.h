// The TLS options (squid's Security::PeerOptions) that narrow what cuttle may
// accept from a server: a minimum version, options such as NO_TLSv1, ciphers,
// flags, a revocation list, no default CAs. cuttle does not implement them yet,
// and ignoring one would make it trust what the admin forbade, so a line using
// one is refused (tls_outgoing_options, cache_peer's tls-*/ssl* options).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cuttle {

// What `option` (a PeerOptions word: "min-version=1.2", "no-default-ca") restricts,
// or nothing for one that does not narrow trust.
std::optional<std::string> tls_restriction(std::string_view option);

// cache_peer's spelling of a PeerOptions word, as squid maps it: "tls-min-version=1.2"
// -> "min-version=1.2", "sslversion=4" -> "version=4"; nothing for other options.
std::optional<std::string> peer_tls_option(std::string_view option);

}  // namespace cuttle
