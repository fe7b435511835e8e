#include "proxy/config/acl/access_rules.h"

#include <algorithm>

namespace cuttle {

namespace {

// The check ended at an ACL that could not answer yes or no.
AccessVerdict unfinished(AclMatch m, const Acl* last) {
  AccessVerdict v{.last_acl = last};
  v.needs_authentication = m == AclMatch::NeedsAuthentication;
  v.needs_lookup = m == AclMatch::NeedsLookup;
  v.challenge = m == AclMatch::AuthRequired;
  return v;  // Unknown: a denial, without a challenge
}

}  // namespace

AccessVerdict evaluate_access(const std::vector<AccessRule>& rules, const RequestFacts& facts) {
  const Acl* last_looked_at = nullptr;
  for (const auto& rule : rules) {
    bool all = true;
    for (const auto& ref : rule.acls) {
      const AclMatch m = ref.acl->match_naming(facts, last_looked_at);
      if (ends_check(m)) return unfinished(m, last_looked_at);
      if ((m == AclMatch::Yes) == ref.negated) {
        all = false;
        break;
      }
    }
    if (all) {
      const auto decision = rule.allow ? AccessDecision::Allow : AccessDecision::Deny;
      const bool challenge = decision == AccessDecision::Deny && last_looked_at && last_looked_at->is_auth();
      return {.decision = decision, .challenge = challenge, .last_acl = last_looked_at};
    }
  }
  if (rules.empty() || rules.back().allow)
    return {.challenge = last_looked_at && last_looked_at->is_auth(), .last_acl = last_looked_at};
  return {.decision = AccessDecision::Allow, .last_acl = last_looked_at};
}

AccessDecision check_access(const std::vector<AccessRule>& rules, const RequestFacts& facts) {
  const auto verdict = evaluate_access(rules, facts);
  return verdict.finished() ? verdict.decision : AccessDecision::Deny;
}

bool all_acls_match(const AccessRule& rule, const RequestFacts& facts) {
  return std::all_of(rule.acls.begin(), rule.acls.end(),
                     [&](const AclReference& ref) { return (ref.acl->match(facts) == AclMatch::Yes) != ref.negated; });
}

AclNeeds rules_needs(const std::vector<AccessRule>& rules) {
  AclNeeds needs;
  for (const auto& rule : rules)
    for (const auto& ref : rule.acls) needs.add(ref.acl->needs());
  return needs;
}

bool rules_need_destinations(const std::vector<AccessRule>& rules) {
  for (const auto& rule : rules)
    for (const auto& ref : rule.acls)
      if (ref.acl->needs_destinations()) return true;
  return false;
}

}  // namespace cuttle
