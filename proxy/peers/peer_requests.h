// What a request sent to a peer carries, and what tells a request came back
// around: pure helpers for the forwarding shell (proxy/server/next_hops.cc).
#pragma once

#include "proxy/config/config.h"

#include <string>
#include <string_view>

namespace cuttle {

// The Proxy-Authorization a peer gets: "Basic base64(user:pass)" for
// `login=user:pass`; the client's own for `login=PASS` or `login=PASSTHRU`;
// empty otherwise (no login=, or a form cuttle does not implement).
std::string peer_credentials(const CachePeerConfig& peer, std::string_view client_proxy_authorization);

// Whether a Via field value names `hostname` as a received-by (with or without a
// port): this request already passed through this cache.
bool via_names(std::string_view via, std::string_view hostname);

}  // namespace cuttle
