// Squid's slow access checks (http_access, cache; the cache manager's and the
// PAC file's use of http_access): a rule may need the destination's addresses
// (a `dst` ACL: DNS) or the user's credentials checked (proxy_auth: the
// credentials cache, else the authenticator helper). The step suspends for
// either and the worker goes on; the rules are then evaluated again.
#pragma once

#include "proxy/server/client_connection.h"
#include "proxy/server/steps/authenticate.h"
#include "proxy/server/transaction.h"

namespace cuttle {

// Evaluates `rules` over tx.facts, resolving, authenticating and asking external
// ACL helpers as they need.
awaitable<AccessVerdict> check_slow(ClientConnection& conn, Transaction& tx, const std::vector<AccessRule>& rules);
// The same over `facts` (tx.facts with a reply, for http_reply_access), which
// must already hold what the rules need but helpers.
awaitable<AccessVerdict> check_slow(ClientConnection& conn, Transaction& tx, RequestFacts& facts,
                                    const std::vector<AccessRule>& rules);
// A denial: 403 (ERR_ACCESS_DENIED), or when the verdict asks for credentials
// 407 with Proxy-Authenticate (401 with WWW-Authenticate on accelerator ports).
awaitable<bool> reply_denied(ClientConnection& conn, Transaction& tx, const AccessVerdict& verdict,
                             std::string detail = {});

}  // namespace cuttle
