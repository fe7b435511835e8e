#include "proxy/server/ssl_bump_decision.h"

namespace cuttle {
namespace {

// As squid 5.7 bans actions: `none` after SslBump1; at SslBump3 nothing to peek
// at any more, and a connection peeked at in step 2 can no longer be bumped
// (only stare allows it).
bool possible_at(SslBumpAction action, int step) {
  if (action == SslBumpAction::None) return step == 1;
  return step < 3 || (action != SslBumpAction::Peek && action != SslBumpAction::Bump);
}

}  // namespace

SslBumpAction ssl_bump_action(const std::vector<SslBumpRule>& rules, const RequestFacts& facts) {
  for (const auto& rule : rules)
    if (possible_at(rule.action, facts.tls.bump_step) && all_acls_match(rule.acls, facts))
      return rule.action == SslBumpAction::None ? SslBumpAction::Splice : rule.action;
  return SslBumpAction::Splice;
}

AclNeeds ssl_bump_needs(const std::vector<SslBumpRule>& rules) {
  AclNeeds needs;
  for (const auto& rule : rules)
    for (const auto& ref : rule.acls.acls) needs.add(ref.acl->needs());
  return needs;
}

}  // namespace cuttle
