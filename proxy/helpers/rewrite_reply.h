// What a URL rewriter's reply asks for, as Squid 5.7's clientRedirectDone and
// redirectHandleReply read it: a redirect (`OK url=U [status=30x]`, old `30x:U`),
// an internal rewrite (`OK rewrite-url=U`, an old helper's bare URL), or nothing
// (`OK` alone, ERR, BH, an empty line, a status that is not a redirect's).
#pragma once

#include "proxy/helpers/helper_reply.h"

#include <string>

namespace cuttle::helpers {

struct RewriteDecision {
  enum class Kind { Keep, Redirect, Rewrite } kind = Kind::Keep;
  unsigned status = 0;  // Redirect: 301, 302, 303, 307 or 308
  std::string url;      // Redirect: the Location; Rewrite: the new URL
  std::string problem;  // Keep because the reply was unusable: what to log
};

RewriteDecision decide_rewrite(const HelperReply& reply);

// The store-ID helper's reply: `OK store-id=X` gives X; anything else, nothing.
std::optional<std::string> decide_store_id(const HelperReply& reply);

}  // namespace cuttle::helpers
