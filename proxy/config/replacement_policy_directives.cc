#include "proxy/config/replacement_policy_directives.h"

#include <string>

namespace cuttle {
namespace {

// createRemovalPolicy_heap: a missing or unknown key type is LRU (with squid's
// warning), words after it are discarded; a policy other than lru or heap is
// fatal in squid (src/store.cc createRemovalPolicy).
ReplacementPolicyConfig heap_policy(DirectiveArgs& args, ParseContext& ctx) {
  const auto key_type = args.next_if_any();
  if (!key_type) {
    ctx.warn(args.directive() + ": heap: no key type specified, using LRU (as squid)");
    return ReplacementPolicyConfig::HeapLru;
  }
  while (auto extra = args.next_if_any())
    ctx.warn(args.directive() + ": discarding unknown removal policy '" + extra->text + "' (as squid)");
  if (key_type->text == "GDSF") return ReplacementPolicyConfig::HeapGdsf;
  if (key_type->text == "LFUDA") return ReplacementPolicyConfig::HeapLfuda;
  if (key_type->text != "LRU")
    ctx.warn(args.directive() + ": heap: unknown key type \"" + key_type->text + "\", using LRU (as squid)");
  return ReplacementPolicyConfig::HeapLru;
}

ReplacementPolicyConfig read_policy(DirectiveArgs& args, ParseContext& ctx) {
  const auto type = args.next("policy").text;
  if (type == "heap") return heap_policy(args, ctx);
  if (type != "lru") throw DirectiveError("unknown policy '" + type + "' (squid has lru and heap GDSF|LFUDA|LRU)");
  while (auto extra = args.next_if_any())
    ctx.warn(args.directive() + ": lru takes no arguments; '" + extra->text + "' ignored");
  return ReplacementPolicyConfig::Lru;
}

}  // namespace

void cache_replacement_policy(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.cache_replacement = read_policy(args, ctx);
}

void memory_replacement_policy(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.memory_replacement = read_policy(args, ctx);
}

}  // namespace cuttle
