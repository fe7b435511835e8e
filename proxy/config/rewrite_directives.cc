#include "proxy/config/rewrite_directives.h"

#include "proxy/log/request_codes.h"

namespace cuttle {

namespace {

constexpr unsigned kDefaultRewriterChildren = 20;  // Squid's `20 startup=0 idle=1 concurrency=0`

UrlRewriteConfig& url_rewrite(ParseContext& ctx) {
  auto& c = ctx.config.url_rewrite;
  if (!c) {
    c.emplace();
    c->program.children = default_helper_children(kDefaultRewriterChildren);
  }
  return *c;
}

RewriteHelperConfig& store_id(ParseContext& ctx) {
  auto& c = ctx.config.store_id;
  if (!c) {
    c.emplace();
    c->program.children = default_helper_children(kDefaultRewriterChildren);
    c->bypass = true;  // Squid's store_id_bypass default
  }
  return *c;
}

void read_extras(DirectiveArgs& args, RewriteHelperConfig& config) {
  const std::string extras = args.rest_of_line();
  try {
    config.extras_tokens = logformat::parse_format(extras);
    logformat::require_request_codes(config.extras_tokens);
  } catch (const std::invalid_argument& e) {
    throw DirectiveError(args.directive() + ": " + e.what());
  }
  config.extras = extras;
}

}  // namespace

void url_rewrite_program(DirectiveArgs& args, ParseContext& ctx) { read_helper_program(args, ctx, url_rewrite(ctx).program); }
void url_rewrite_children(DirectiveArgs& args, ParseContext& ctx) {
  url_rewrite(ctx).program.children = read_helper_children(args, ctx);
}
// Obsolete, still applied by Squid 5.7 ("upgrade overriding url_rewrite_children").
void url_rewrite_concurrency(DirectiveArgs& args, ParseContext& ctx) {
  ctx.warn("url_rewrite_concurrency is obsolete; use url_rewrite_children ... concurrency=N (applied, as Squid does)");
  url_rewrite(ctx).program.children.concurrency = static_cast<unsigned>(args.read_integer("concurrency", 0, 1000000));
}
void url_rewrite_access(DirectiveArgs& args, ParseContext& ctx) { access_rule(args, ctx, url_rewrite(ctx).access); }
void url_rewrite_bypass(DirectiveArgs& args, ParseContext& ctx) { url_rewrite(ctx).bypass = args.read_on_off(); }
void url_rewrite_extras(DirectiveArgs& args, ParseContext& ctx) { read_extras(args, url_rewrite(ctx)); }
void url_rewrite_host_header(DirectiveArgs& args, ParseContext& ctx) {
  url_rewrite(ctx).rewrites_host_header = args.read_on_off();
}

// `url_rewrite_timeout TIME [on_timeout=fail|bypass|retry|use_configured_response] [response=TEXT]`
void url_rewrite_timeout(DirectiveArgs& args, ParseContext& ctx) {
  auto& c = url_rewrite(ctx);
  c.timeout = args.read_duration("seconds");
  bool response_given = false;
  while (auto t = args.next_if_any()) {
    const std::string& o = t->text;
    using A = UrlRewriteConfig::OnTimeout;
    if (o == "on_timeout=fail") c.on_timeout = A::Fail;
    else if (o == "on_timeout=bypass") c.on_timeout = A::Bypass;
    else if (o == "on_timeout=retry") c.on_timeout = A::Retry;
    else if (o == "on_timeout=use_configured_response") c.on_timeout = A::UseConfiguredResponse;
    else if (o.starts_with("response=")) c.timeout_response = o.substr(9), response_given = true;
    else throw DirectiveError("url_rewrite_timeout: unknown option '" + o + "'");
  }
  if (response_given != (c.on_timeout == UrlRewriteConfig::OnTimeout::UseConfiguredResponse))
    throw DirectiveError("url_rewrite_timeout: response= goes with on_timeout=use_configured_response, and only with it");
}

void store_id_program(DirectiveArgs& args, ParseContext& ctx) { read_helper_program(args, ctx, store_id(ctx).program); }
void store_id_children(DirectiveArgs& args, ParseContext& ctx) {
  store_id(ctx).program.children = read_helper_children(args, ctx);
}
void store_id_access(DirectiveArgs& args, ParseContext& ctx) { access_rule(args, ctx, store_id(ctx).access); }
void store_id_bypass(DirectiveArgs& args, ParseContext& ctx) { store_id(ctx).bypass = args.read_on_off(); }
void store_id_extras(DirectiveArgs& args, ParseContext& ctx) { read_extras(args, store_id(ctx)); }

// Squid's redirectInit: with a bypass, a queue-size not given is 0 (bypass as
// soon as every process is busy).
void finish_rewrite_helpers(Config& config) {
  for (RewriteHelperConfig* c : {static_cast<RewriteHelperConfig*>(config.url_rewrite ? &*config.url_rewrite : nullptr),
                                 config.store_id ? &*config.store_id : nullptr})
    if (c && c->bypass && !c->program.children.queue_size_set) c->program.children.queue_size = 0;
}

}  // namespace cuttle
