// external_acl_type: a helper that answers an ACL question Squid cannot answer
// itself (group membership, sessions, quotas), as src/external_acl.cc defines it.
// What the helper is sent is a format of Squid's codes, one per word, followed by
// the ACL's own arguments (%DATA); its answers are remembered for ttl seconds.
#pragma once

#include "proxy/config/config_tokens.h"
#include "proxy/config/helper_config.h"
#include "proxy/log/format_tokens.h"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace cuttle {

struct ParseContext;

struct ExternalAclType {
  std::string name;
  std::chrono::seconds ttl{3600};           // how long an OK is remembered
  std::chrono::seconds negative_ttl{3600};  // how long an ERR is (default: ttl)
  // In the last grace% of an answer's life a request that uses it also starts a
  // refresh in the background, so nobody waits when it expires.
  unsigned grace = 1;
  size_t cache_size = 256 * 1024;  // answers remembered (least recently used go); 0: none
  // The format's words: each a code followed by a blank, then %DATA (the ACL's
  // arguments) where the format does not place it itself.
  std::vector<logformat::Token> format;
  // protocol=2.5: the ACL's arguments (%DATA) in quotes with \-escapes where Squid
  // 2.5 helpers expect them; by default they are %-encoded.
  bool shell_quoting = false;
  // %LOGIN: the user must authenticate before the helper is asked (a proxy_auth
  // check first, with its challenge).
  bool requires_login = false;
  HelperProgram program;  // children default: children-max=5, startup 0, idle 1

  // Whether the answer (OK or not) may be remembered.
  bool remembers(bool matched) const { return cache_size > 0 && (matched ? ttl : negative_ttl).count() > 0; }
};

// Reads `external_acl_type NAME [options] FORMAT... PROGRAM [ARGS...]` into
// ctx.config.external_acl_types. Throws DirectiveError.
void external_acl_type(DirectiveArgs& args, ParseContext& ctx);

// The format codes an external ACL format may use that cuttle fills in: the
// request codes (log/request_codes.h) and the external ACL's own.
bool is_external_acl_code(const logformat::Token& token);

}  // namespace cuttle
