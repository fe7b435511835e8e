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

// Whether the client's Authorization goes to `peer` (Squid's http.cc): always to
// proxies; to an originserver peer only with login=PASS, PASSTHRU or PROXYPASS
// (a reverse proxy does not hand the site's credentials on unless told to).
bool passes_authorization(const CachePeerConfig& peer);

// Whether a Via field value holds this cache's own entry: received-by `hostname`
// (with or without a port) and a comment starting with `product` ("cuttle/0.1.0").
// The request already passed through here. As Squid (which looks for
// " hostname (squid/5.7)"), the product matters: a Squid on the same host, with the
// same name, is another cache.
bool via_names(std::string_view via, std::string_view hostname, std::string_view product);

}  // namespace cuttle
