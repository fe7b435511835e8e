#include "proxy/config/ssl_bump_directives.h"

namespace cuttle {
namespace {

SslBumpAction action_named(const std::string& word) {
  if (word == "splice" || word == "none") return SslBumpAction::Splice;
  if (word == "peek") return SslBumpAction::Peek;
  if (word == "terminate") return SslBumpAction::Terminate;
  if (word == "bump" || word == "stare" || word == "client-first" || word == "server-first" ||
      word == "peek-and-splice")
    throw DirectiveError("ssl_bump " + word +
                         " decrypts TLS connections (or prepares to), which cuttle does not implement yet; it will "
                         "not run without it (peek, splice and terminate work)");
  throw DirectiveError("ssl_bump: unknown action '" + word + "' (splice, peek, terminate, bump, stare, none)");
}

}  // namespace

void ssl_bump(DirectiveArgs& args, ParseContext& ctx) {
  SslBumpRule rule;
  rule.action = action_named(args.next("action").text);
  rule.acls.allow = true;
  rule.acls.where = ctx.where;
  while (auto word = args.next_if_any()) rule.acls.acls.push_back(acl_reference(word->text, args.directive(), ctx));
  ctx.config.ssl_bump.push_back(std::move(rule));
}

}  // namespace cuttle
