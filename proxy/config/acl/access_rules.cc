#include "proxy/config/acl/access_rules.h"

namespace cuttle {

AccessVerdict evaluate_access(const std::vector<AccessRule>& rules, const RequestFacts& facts) {
  const Acl* last_looked_at = nullptr;
  for (const auto& rule : rules) {
    bool all = true;
    for (const auto& ref : rule.acls) {
      const AclMatch m = ref.acl->match_naming(facts, last_looked_at);
      if (m == AclMatch::NeedsAuthentication) return {AccessDecision::Deny, true, false, last_looked_at};
      if (m == AclMatch::AuthRequired) return {AccessDecision::Deny, false, true, last_looked_at};
      if ((m == AclMatch::Yes) == ref.negated) {
        all = false;
        break;
      }
    }
    if (all) {
      const auto decision = rule.allow ? AccessDecision::Allow : AccessDecision::Deny;
      const bool challenge = decision == AccessDecision::Deny && last_looked_at && last_looked_at->is_auth();
      return {decision, false, challenge, last_looked_at};
    }
  }
  if (rules.empty() || rules.back().allow)
    return {AccessDecision::Deny, false, last_looked_at && last_looked_at->is_auth(), last_looked_at};
  return {AccessDecision::Allow, false, false, last_looked_at};
}

AccessDecision check_access(const std::vector<AccessRule>& rules, const RequestFacts& facts) {
  const auto verdict = evaluate_access(rules, facts);
  return verdict.needs_authentication ? AccessDecision::Deny : verdict.decision;
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
