#include "proxy/config/auth_directives.h"

#include "proxy/log/request_codes.h"

namespace cuttle {

namespace {

// Squid's default for an authenticator: `children 20 startup=0 idle=1`.
constexpr unsigned kDefaultAuthChildren = 20;

template <class Scheme>
Scheme& scheme_config(std::optional<Scheme>& slot, const char* name, ParseContext& ctx) {
  if (!slot) {
    slot.emplace();
    slot->program.children = default_helper_children(kDefaultAuthChildren);
    ctx.config.auth.schemes.push_back(name);
  }
  return *slot;
}

// `key_extras "FORMAT"`: one (quoted) token, nothing after it, as Squid reads it;
// only codes cuttle can fill in, so the helper never gets a "-" squid would fill.
KeyExtras read_key_extras(DirectiveArgs& args, const char* scheme) {
  const std::string format = args.next("the key_extras format").text;
  if (!args.empty())
    throw DirectiveError(std::string("auth_param ") + scheme + " key_extras: unexpected argument '" +
                         args.peek().text + "' after the format");
  try {
    auto tokens = logformat::parse_format(format);
    logformat::require_request_codes(tokens);
    return tokens;
  } catch (const std::invalid_argument& e) {
    throw DirectiveError(std::string("auth_param ") + scheme + " key_extras: " + e.what());
  }
}

BasicAuthConfig& basic_scheme(ParseContext& ctx) { return scheme_config(ctx.config.auth.basic, "basic", ctx); }
DigestAuthConfig& digest_scheme(ParseContext& ctx) { return scheme_config(ctx.config.auth.digest, "digest", ctx); }

void basic_parameter(const std::string& name, DirectiveArgs& args, ParseContext& ctx) {
  if (name == "program") {
    read_helper_program(args, ctx, basic_scheme(ctx).program);
  } else if (name == "children") {
    basic_scheme(ctx).program.children = read_helper_children(args, ctx);
  } else if (name == "realm") {
    auto realm = args.rest_of_line();
    if (realm.empty()) throw DirectiveError("auth_param basic realm: missing realm");
    basic_scheme(ctx).realm = realm;
  } else if (name == "credentialsttl") {
    basic_scheme(ctx).credentials_ttl = args.read_duration("seconds");
  } else if (name == "casesensitive") {
    basic_scheme(ctx).case_sensitive = args.read_on_off();
  } else if (name == "utf8") {
    basic_scheme(ctx).utf8 = args.read_on_off();
  } else if (name == "keep_alive") {
    args.read_on_off();  // Squid ignores it for Basic
  } else if (name == "key_extras") {
    basic_scheme(ctx).key_extras = read_key_extras(args, "basic");
  } else {
    ctx.warn("unrecognised basic auth scheme parameter '" + name + "' (ignored, as Squid does)");
    while (args.next_if_any()) {
    }
  }
}

// Squid's Auth::Digest::Config::parse, then the parameters every scheme has.
void digest_parameter(const std::string& name, DirectiveArgs& args, ParseContext& ctx) {
  auto& digest = digest_scheme(ctx);
  if (name == "program") {
    read_helper_program(args, ctx, digest.program);
  } else if (name == "children") {
    digest.program.children = read_helper_children(args, ctx);
  } else if (name == "realm") {
    auto realm = args.rest_of_line();
    if (realm.empty()) throw DirectiveError("auth_param digest realm: missing realm");
    digest.realm = realm;
  } else if (name == "nonce_garbage_interval") {
    digest.nonce_garbage_interval = args.read_duration("seconds");
  } else if (name == "nonce_max_duration") {
    digest.nonces.max_duration = std::chrono::duration_cast<std::chrono::seconds>(args.read_duration("seconds"));
  } else if (name == "nonce_max_count") {
    digest.nonces.max_count = static_cast<unsigned>(args.read_integer("nonce_max_count", 0, 99999999));
  } else if (name == "nonce_strictness") {
    digest.nonces.strictness = args.read_on_off();
  } else if (name == "check_nonce_count") {
    digest.nonces.check_count = args.read_on_off();
  } else if (name == "post_workaround") {
    digest.post_workaround = args.read_on_off();
  } else if (name == "utf8") {
    digest.utf8 = args.read_on_off();
  } else if (name == "key_extras") {
    digest.key_extras = read_key_extras(args, "digest");
  } else {
    ctx.warn("unrecognised digest auth scheme parameter '" + name + "' (ignored, as Squid does)");
    while (args.next_if_any()) {
    }
  }
}

// The parameters Squid's SchemeConfig::parse gives NTLM and Negotiate.
void connection_parameter(std::optional<ConnectionAuthConfig>& slot, const char* scheme, const std::string& name,
                          DirectiveArgs& args, ParseContext& ctx) {
  auto& config = scheme_config(slot, scheme, ctx);
  if (name == "program") {
    read_helper_program(args, ctx, config.program);
  } else if (name == "children") {
    config.program.children = read_helper_children(args, ctx);
    if (config.program.children.concurrency > 0) {
      ctx.warn(std::string("auth_param ") + scheme + " children: concurrency= is not supported for stateful helpers "
               "(ignored, as Squid does)");
      config.program.children.concurrency = 0;
    }
  } else if (name == "keep_alive") {
    config.keep_alive = args.read_on_off();
  } else if (name == "realm" || name == "utf8") {
    while (args.next_if_any()) {  // read by Squid for every scheme, used by neither of these
    }
  } else if (name == "key_extras") {
    config.key_extras = read_key_extras(args, scheme);
  } else {
    ctx.warn(std::string("unrecognised ") + scheme + " auth scheme parameter '" + name + "' (ignored, as Squid does)");
    while (args.next_if_any()) {
    }
  }
}

}  // namespace

void auth_param(DirectiveArgs& args, ParseContext& ctx) {
  const std::string scheme = args.next("authentication scheme").text;
  const std::string name = args.next("scheme parameter").text;
  if (scheme == "basic") return basic_parameter(name, args, ctx);
  if (scheme == "digest") return digest_parameter(name, args, ctx);
  if (scheme == "ntlm") return connection_parameter(ctx.config.auth.ntlm, "ntlm", name, args, ctx);
  if (scheme == "negotiate") return connection_parameter(ctx.config.auth.negotiate, "negotiate", name, args, ctx);
  throw DirectiveError("auth_param: unknown authentication scheme '" + scheme + "'");
}

void authenticate_ttl(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.auth.authenticate_ttl = args.read_duration("seconds");
}

void authenticate_ip_ttl(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.auth.authenticate_ip_ttl = args.read_duration("seconds");
}

void authenticate_cache_garbage_interval(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.auth.garbage_interval = args.read_duration("seconds");
}

void helper_timeout(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.auth.helper_timeout = args.read_duration("seconds");
  if (ctx.config.auth.helper_timeout.count() <= 0) throw DirectiveError("helper_timeout must be positive");
}

}  // namespace cuttle
