#include "proxy/config/ssl_bump_directives.h"

namespace cuttle {
namespace {

SslBumpAction action_named(const std::string& word) {
  if (word == "splice") return SslBumpAction::Splice;
  if (word == "none") return SslBumpAction::None;
  if (word == "peek") return SslBumpAction::Peek;
  if (word == "terminate") return SslBumpAction::Terminate;
  if (word == "bump") return SslBumpAction::Bump;
  if (word == "stare" || word == "client-first" || word == "server-first" ||
      word == "peek-and-splice")
    throw DirectiveError("ssl_bump " + word +
                         " is not implemented by cuttle yet; it will not run without it (peek, splice, terminate "
                         "and bump work)");
  throw DirectiveError("ssl_bump: unknown action '" + word + "' (splice, peek, terminate, bump, stare, none)");
}

// squid lets ssl_bump wait for credentials or a helper; cuttle checks the rules
// without either, so such an ACL (or an all-of/any-of holding one) would never
// match and a terminate rule would let everything through: the line is refused.
void refuse_slow_acl(const AclReference& ref) {
  if (ref.acl->needs().credentials_or_helper)
    throw DirectiveError("ssl_bump: ACL '" + ref.acl->name() + "' (" + ref.acl->type() +
                         ") needs credentials or a helper, which cuttle does not consult in ssl_bump rules yet; "
                         "it will not run without it");
}

}  // namespace

void ssl_bump(DirectiveArgs& args, ParseContext& ctx) {
  SslBumpRule rule;
  rule.action = action_named(args.next("action").text);
  rule.acls.allow = true;
  rule.acls.where = ctx.where;
  while (auto word = args.next_if_any()) {
    rule.acls.acls.push_back(acl_reference(word->text, args.directive(), ctx));
    refuse_slow_acl(rule.acls.acls.back());
  }
  ctx.config.ssl_bump.push_back(std::move(rule));
}

}  // namespace cuttle
