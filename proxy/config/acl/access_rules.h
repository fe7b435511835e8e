// Allow/deny rule lists over ACLs (http_access, cache, http_reply_access, ...)
// and Squid's way of evaluating them.
#pragma once

#include "proxy/config/acl/acl.h"

#include <string>
#include <vector>

namespace cuttle {

struct AclReference {
  const Acl* acl = nullptr;
  bool negated = false;
};

// One `http_access allow|deny [!]acl ...` line: all ACLs must match (logical AND).
struct AccessRule {
  bool allow = false;
  std::vector<AclReference> acls;
  std::string where;
};

enum class AccessDecision { Allow, Deny };

// The outcome of a slow check (one that may authenticate: http_access, cache).
struct AccessVerdict {
  AccessDecision decision = AccessDecision::Deny;
  // Stopped at an ACL that must know whether the credentials are good: check
  // them (auth/authenticate.h) and evaluate again.
  bool needs_authentication = false;
  // A denial that asks for credentials (407, or 401 on accelerator ports): the
  // check ended for want of valid credentials, or the last ACL it looked at was
  // an authentication ACL (Squid's aclIsProxyAuth(AclMatchedName)).
  bool challenge = false;
  // Stopped at an external ACL whose helper must be asked (last_acl): ask, record
  // the answer in the facts and evaluate again.
  bool needs_lookup = false;
  // The last ACL looked at on the deciding line (Squid's AclMatchedName, which
  // picks the deny_info page); nullptr when no line matched and none was looked at.
  const Acl* last_acl = nullptr;

  bool finished() const { return !needs_authentication && !needs_lookup; }
};

// Squid's rule evaluation: the first rule whose ACLs all match decides (ACLs are
// looked at left to right until one does not match); when none does, the answer
// is the opposite of the last rule's; with no rules at all, deny.
AccessVerdict evaluate_access(const std::vector<AccessRule>& rules, const RequestFacts& facts);
// A fast check: an ACL that cannot answer without authenticating counts as a
// denial (Squid's ACCESS_DUNNO / AUTH_REQUIRED are "not allowed").
AccessDecision check_access(const std::vector<AccessRule>& rules, const RequestFacts& facts);
// Whether every ACL of one rule matches (`!` honoured), as a fast check: an ACL
// that would need credentials checked or a helper asked does not match. For
// lines whose ACLs only select (access_log, reply_body_max_size).
bool all_acls_match(const AccessRule& rule, const RequestFacts& facts);
// Everything the ACLs of these rules need gathered before they are checked.
AclNeeds rules_needs(const std::vector<AccessRule>& rules);
bool rules_need_destinations(const std::vector<AccessRule>& rules);

}  // namespace cuttle
