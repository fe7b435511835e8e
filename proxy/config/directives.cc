#include "proxy/config/directives.h"

#include "proxy/config/acl/acl_types.h"
#include "proxy/config/acl/name_acls.h"
#include "proxy/config/auth_directives.h"
#include "proxy/config/cache_dir.h"
#include "proxy/config/dns_directives.h"
#include "proxy/config/outgoing_directives.h"
#include "proxy/config/ssl_bump_directives.h"
#include "proxy/config/connection_directives.h"
#include "proxy/config/error_page_directives.h"
#include "proxy/config/header_additions.h"
#include "proxy/config/note_directive.h"
#include "proxy/config/log_directives.h"
#include "proxy/log/log_destination_spec.h"
#include "proxy/config/replacement_policy_directives.h"
#include "proxy/config/tls_port_config.h"
#include "proxy/config/tls_restrictions.h"
#include "proxy/config/transfer_directives.h"
#include "proxy/config/delay_pool_directives.h"
#include "proxy/config/external_acl_type.h"
#include "proxy/config/rewrite_directives.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <strings.h>

namespace cuttle {
namespace {

uint16_t parse_port(std::string_view text, std::string_view what) {
  unsigned v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v > 65535)
    throw DirectiveError(std::string(what) + " must be a port number (0-65535), got '" + std::string(text) + "'");
  return static_cast<uint16_t>(v);
}

// "3128", "127.0.0.1:3128", "[::1]:3128"
void parse_listen_address(std::string_view text, HttpPortConfig& port) {
  std::string_view port_text = text;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      throw DirectiveError("http_port: bad address '" + std::string(text) + "'");
    port.address = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
  } else if (auto colon = text.rfind(':'); colon != std::string_view::npos) {
    port.address = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
  }
  if (!port.address.empty()) {
    boost::system::error_code ec;
    boost::asio::ip::make_address(port.address, ec);
    if (ec) throw DirectiveError("http_port: '" + port.address + "' is not an IP address");
  }
  port.port = parse_port(port_text, "http_port");
  if (port.port == 0) throw DirectiveError("http_port: port 0 is not allowed");
}

// Options Squid accepts that cuttle does not act on: a warning, not an error.
bool known_unimplemented_option(std::string_view option, std::initializer_list<std::string_view> names) {
  auto key = option.substr(0, option.find('='));
  return std::find(names.begin(), names.end(), key) != names.end();
}

// What squid 5.7 refuses in an https_port line, checked once the line is read.
void check_https_port(const HttpPortConfig& port) {
  if (port.tls->cert_file.empty()) throw DirectiveError("https_port requires a tls-cert= parameter (as squid)");
  if (port.intercepted() && !port.ssl_bump)
    throw DirectiveError("https_port: tproxy/intercept on https_port requires ssl-bump which is missing (as squid)");
  if (port.ssl_bump && !port.intercepted())
    throw DirectiveError("https_port: ssl-bump on https_port requires tproxy/intercept which is missing (as squid)");
  if (port.ssl_bump && port.tproxy)
    throw DirectiveError("https_port: tproxy ssl-bump is not implemented by cuttle yet (intercept ssl-bump is); it "
                         "will not run without it");
  if (port.require_proxy_header)
    throw DirectiveError("https_port: require-proxy-header option is not supported on HTTPS ports (as squid)");
}

// An http_port's ssl-bump: CONNECT tunnels go through the ssl_bump rules.
void check_bumping_http_port(const HttpPortConfig& port) {
  if (port.tls->cert_file.empty())
    throw DirectiveError("http_port: ssl-bump requires a tls-cert= CA certificate (as squid)");
  if (port.accel || port.intercepted())
    throw DirectiveError("http_port: ssl-bump on an accel, intercept or tproxy http_port is not implemented by "
                         "cuttle; it will not run without it");
}

// http_port, and https_port when `tls` (the same options plus TLS ones).
void listening_port(DirectiveArgs& args, ParseContext& ctx, bool tls) {
  HttpPortConfig port;
  ServerTlsConfig tls_options;
  bool tls_options_given = false;
  port.where = ctx.where;
  const auto& spec = args.next("port").text;
  port.name = spec;  // as Squid: the port as written, unless name= says otherwise
  parse_listen_address(spec, port);
  bool vhost_set = false;
  while (auto t = args.next_if_any()) {
    const auto& o = t->text;
    if (o == "accel") {
      if (port.intercepted())
        throw DirectiveError(args.directive() + ": Accelerator mode requires its own port. It cannot be shared with other "
                             "modes. (as squid)");
      port.accel = true;
    } else if (o == "intercept" || o == "transparent") {
      if (port.accel || port.tproxy)
        throw DirectiveError(args.directive() + ": Intercept mode requires its own interception port. It cannot be shared "
                             "with other modes. (as squid)");
      port.intercept = true;
    } else if (o == "tproxy") {
      if (port.accel || port.intercept)
        throw DirectiveError(args.directive() + ": TPROXY option requires its own interception port. It cannot be shared "
                             "with other modes. (as squid)");
      port.tproxy = true;
    } else if (o.starts_with("defaultsite=")) {
      // As Squid reads the options in order: accel (or vhost) must come first.
      if (!port.accel) throw DirectiveError(args.directive() + ": defaultsite option requires the 'accel' mode flag before it");
      port.defaultsite = o.substr(12);
      if (port.defaultsite.empty()) throw DirectiveError(args.directive() + ": defaultsite= needs a host name");
    } else if (o.starts_with("name=")) {
      port.name = o.substr(5);
    } else if (o == "require-proxy-header") {
      port.require_proxy_header = true;
    } else if (o == "tcpkeepalive" || o.starts_with("tcpkeepalive=")) {
      port.tcp_keepalive = tcp_keepalive_option(o);
    } else if (o == "connection-auth" || o.starts_with("connection-auth=")) {
      port.connection_auth = o == "connection-auth" || connection_auth_option(o);
    } else if (o == "no-connection-auth") {
      port.connection_auth = false;
    } else if (o == "vhost") {
      // Squid's old way to say accel, still read (with its warning).
      if (!port.accel) ctx.warn(args.directive() + ": vhost option is deprecated. Use 'accel' mode flag instead (as Squid)");
      port.accel = true;
      port.vhost = true;
      vhost_set = true;
    } else if (o == "no-vhost") {
      if (!port.accel) ctx.warn(args.directive() + ": no-vhost option requires Acceleration mode flag; ignored (as Squid)");
      port.vhost = false;
      vhost_set = port.accel;
    } else if (o == "ssl-bump" || o == "sslBump") {
      if (o == "sslBump") ctx.warn(args.directive() + ": sslBump is deprecated. Use 'ssl-bump' instead (as squid)");
      port.ssl_bump = true;
    } else if (parse_tls_port_option(o, tls_options)) {
      tls_options_given = true;
    } else if (known_unimplemented_option(o, {"protocol", "allow-direct", "act-as-origin", "ignore-cc",
                                              "disable-pmtu-discovery", "vport", "worker-queues"})) {
      ctx.warn(args.directive() + " option '" + o + "' is not implemented by cuttle; ignored");
    } else {
      throw DirectiveError(args.directive() + ": unknown option '" + o + "'");
    }
  }
  // Squid: accel turns vhost on, with or without defaultsite= (which then only
  // names the site for requests without Host); only no-vhost turns it off.
  if (port.accel && !vhost_set) port.vhost = true;
  if (tls || port.ssl_bump) port.tls = tls_options;
  else if (tls_options_given)
    ctx.warn(args.directive() + ": TLS options have no effect on an http_port without ssl-bump; ignored");
  if (tls) check_https_port(port);
  else if (port.ssl_bump) check_bumping_http_port(port);
  ctx.config.http_ports.push_back(std::move(port));
}

void http_port(DirectiveArgs& args, ParseContext& ctx) { listening_port(args, ctx, false); }
void https_port(DirectiveArgs& args, ParseContext& ctx) { listening_port(args, ctx, true); }

// On a TLS peer the options narrow what cuttle may accept from it; on a plain
// one they do nothing, as in squid.
void refuse_restrictive_tls(const CachePeerConfig& peer, const std::vector<std::string>& options,
                            ParseContext& ctx) {
  for (const auto& option : options) {
    const auto what = *tls_restriction(*peer_tls_option(option));
    if (peer.tls)
      throw DirectiveError("cache_peer option '" + option + "' restricts " + what +
                           " with the peer; cuttle does not implement it yet and will not run without it");
    ctx.warn("cache_peer option '" + option + "' has no effect on a peer without 'tls'");
  }
}

void cache_peer(DirectiveArgs& args, ParseContext& ctx) {
  std::vector<std::string> restrictive_tls;
  CachePeerConfig peer;
  peer.where = ctx.where;
  peer.host = args.next("host").text;
  peer.type = args.next("type (parent, sibling or multicast)").text;
  if (peer.type != "parent" && peer.type != "sibling" && peer.type != "multicast")
    throw DirectiveError("cache_peer: type must be parent, sibling or multicast, got '" + peer.type + "'");
  peer.http_port = parse_port(args.next("HTTP port").text, "cache_peer HTTP port");
  peer.icp_port = parse_port(args.next("ICP port").text, "cache_peer ICP port");
  while (auto t = args.next_if_any()) {
    const auto& o = t->text;
    auto value = [&](std::string_view key) { return o.substr(key.size()); };
    auto positive = [&](std::string_view key, int64_t max) {
      auto v = value(key);
      int64_t n = 0;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      if (ec != std::errc() || end != v.data() + v.size() || n < 0 || n > max)
        throw DirectiveError("cache_peer: bad value in '" + o + "'");
      return n;
    };
    if (o == "originserver") peer.originserver = true;
    else if (o == "no-query") peer.no_query = true;
    else if (o == "proxy-only") peer.proxy_only = true;
    else if (o == "no-delay") peer.no_delay = true;
    else if (o == "no-tproxy") peer.no_tproxy = true;
    else if (o == "closest-only") peer.closest_only = true;
    else if (o == "default") peer.is_default = true;
    else if (o == "round-robin") peer.round_robin = true;
    else if (o == "carp") {
      // Squid: CARP members are parents, and carp-key= must follow carp.
      if (peer.type != "parent") throw DirectiveError("cache_peer: carp needs a parent, not a " + peer.type);
      peer.carp = true;
    } else if (o.starts_with("carp-key=")) {
      if (!peer.carp) throw DirectiveError("cache_peer: carp-key= needs the carp option before it");
      auto parts = carp::parse_key_parts(value("carp-key="));
      if (!parts) throw DirectiveError("cache_peer: carp-key= takes scheme,host,port,path,params; got '" + o + "'");
      peer.carp_key = *parts;
    }
    else if (o == "no-digest") peer.no_digest = true;
    else if (o == "tls" || o == "ssl") peer.tls = true;
    else if (o.starts_with("name=")) peer.name = value("name=");
    else if (o.starts_with("weight=")) peer.weight = static_cast<int>(positive("weight=", 1 << 20));
    else if (o.starts_with("max-conn=")) peer.max_conn = static_cast<int>(positive("max-conn=", 1 << 20));
    else if (o.starts_with("connect-timeout="))
      peer.connect_timeout = std::chrono::seconds(positive("connect-timeout=", 86400));
    else if (o.starts_with("login=")) peer.login = value("login=");
    else if (o.starts_with("forceddomain=")) peer.forceddomain = value("forceddomain=");
    else if (o.starts_with("tls-cafile=")) peer.tls_cafiles.push_back(value("tls-cafile="));
    else if (o.starts_with("sslcafile=")) peer.tls_cafiles.push_back(value("sslcafile="));
    else if (auto tls_option = peer_tls_option(o); tls_option && tls_restriction(*tls_option))
      restrictive_tls.push_back(o);
    else if (known_unimplemented_option(
                 o, {"basetime", "ttl", "background-ping", "weighted-round-robin", "userhash",
                     "sourcehash", "multicast-responder", "no-netdb-exchange",
                     "connect-fail-limit", "htcp", "monitorurl", "monitorinterval", "allow-miss", "standby",
                     "front-end-https", "connection-auth", "auth-no-keytab", "multicast-siblings",
                     "tls-cert", "tls-key", "tls-min-version", "tls-options", "tls-flags", "tls-domain",
                     "tls-cipher", "tls-capath", "tls-crlfile", "tls-default-ca", "tls-no-default-ca", "sslcert",
                     "sslkey", "sslversion", "ssloptions", "sslflags", "ssldomain", "sslcipher", "sslcapath",
                     "sslcrlfile"}))
      ctx.warn("cache_peer option '" + o + "' is not implemented by cuttle; ignored");
    else throw DirectiveError("cache_peer: unknown option '" + o + "'");
  }
  refuse_restrictive_tls(peer, restrictive_tls, ctx);
  if (peer.name.empty()) peer.name = peer.host;
  for (const auto& other : ctx.config.cache_peers)
    if (other.name == peer.name)
      throw DirectiveError("cache_peer: another peer is already named '" + peer.name + "' (at " + other.where +
                           "); give one a name= option");
  ctx.config.cache_peers.push_back(std::move(peer));
}

// Reads ACL values; a quoted token names a file with one value per line.
std::vector<std::string> acl_values(DirectiveArgs& args, ParseContext& ctx) {
  std::vector<std::string> values;
  while (auto t = args.next_if_any()) {
    if (!t->quoted) {
      values.push_back(t->text);
      continue;
    }
    std::filesystem::path path(t->text);
    if (path.is_relative()) path = std::filesystem::path(ctx.base_dir) / path;
    std::ifstream in(path);
    if (!in) throw DirectiveError("acl: cannot read value file '" + path.string() + "'");
    std::string line;
    while (std::getline(in, line)) {
      auto start = line.find_first_not_of(" \t\r");
      if (start == std::string::npos || line[start] == '#') continue;
      auto end = line.find_last_not_of(" \t\r");
      values.push_back(line.substr(start, end - start + 1));
    }
  }
  return values;
}

// As Squid 5.7 (ACL::ParseAclLine): old configurations define `manager` as a
// proto ACL; it is built in now, and the line is ignored with a note.
bool old_manager_definition(const std::string& name, const std::string& type, ParseContext& ctx) {
  if (name != "manager" || type != "proto") return false;
  ctx.warn("UPGRADE: ACL 'manager' is now a built-in ACL. Remove it from your config file.");
  return true;
}

// As Squid 5.7: a protocol `proto` does not know is left out, with a warning.
void drop_unknown_protocols(std::vector<std::string>& values, const std::string& name, ParseContext& ctx) {
  std::erase_if(values, [&](const std::string& v) {
    if (v.starts_with('-') || is_squid_protocol(v)) return false;
    ctx.warn("acl " + name + ": ignoring unknown protocol '" + v + "' (as Squid does)");
    return true;
  });
}

void acl(DirectiveArgs& args, ParseContext& ctx) {
  std::string name = args.next("ACL name").text;
  std::string type = args.next("ACL type").text;
  if (old_manager_definition(name, type, ctx)) return;
  if (auto note = acl_type_upgrade_note(type); !note.empty()) ctx.warn(note);
  // As Squid: an authentication ACL needs a scheme configured on an earlier line.
  if ((type == "proxy_auth" || type == "proxy_auth_regex" || type == "max_user_ip") &&
      !ctx.config.auth.any_scheme())
    throw DirectiveError("acl " + name + " " + type +
                         ": no authentication scheme is configured (an `auth_param basic|digest program` line must come "
                         "before this one)");
  auto values = acl_values(args, ctx);
  if (type == "proto") drop_unknown_protocols(values, name, ctx);
  auto& acls = ctx.config.acls;
  try {
    Acl* existing = acls.find(name);
    if (existing && existing->type() != canonical_acl_type(type))
      throw DirectiveError("acl " + name + ": already defined with type '" + existing->type() + "'");
    Acl& target = existing ? *existing : acls.add(name, type);
    target.parse(values, &acls);
    // An external ACL whose format sends %LOGIN authenticates first (Squid's valid()).
    if (target.is_auth() && !ctx.config.auth.any_scheme())
      throw DirectiveError("acl " + name + " " + type + ": it needs an authenticated user and no authentication "
                           "scheme is configured (an `auth_param basic|digest program` line must come before this one)");
    // Squid 5.7 starts with an ACL that has no values (an empty value file, say):
    // it warns, and the ACL matches nothing.
    if (!existing && target.empty()) ctx.warn("empty ACL: acl " + name + " " + type + "; it matches nothing");
  } catch (const std::invalid_argument& e) {
    throw DirectiveError("acl " + name + ": " + e.what());
  }
  if (type == "method" && std::find(values.begin(), values.end(), "PURGE") != values.end())
    ctx.config.purge_enabled = true;
}

}  // namespace

AclReference acl_reference(std::string_view word, const std::string& directive, const ParseContext& ctx) {
  AclReference ref;
  if (word.starts_with('!')) {
    ref.negated = true;
    word.remove_prefix(1);
  }
  ref.acl = ctx.config.acls.find(word);
  if (!ref.acl) throw DirectiveError(directive + ": no ACL named '" + std::string(word) + "'");
  return ref;
}

void access_rule(DirectiveArgs& args, ParseContext& ctx, std::vector<AccessRule>& rules) {
  const auto& directive = args.directive();
  AccessRule rule;
  rule.where = ctx.where;
  auto action = args.next("allow|deny").text;
  if (action == "allow") rule.allow = true;
  else if (action == "deny") rule.allow = false;
  else throw DirectiveError(directive + ": expected 'allow' or 'deny', got '" + action + "'");
  while (auto t = args.next_if_any()) {
    rule.acls.push_back(acl_reference(t->text, directive, ctx));
  }
  // Squid skips such a line; read as "match everything" it would open the proxy.
  if (rule.acls.empty())
    throw DirectiveError(directive + ": missing ACL name (use 'all' to match every request)");
  rules.push_back(std::move(rule));
}

namespace {

void http_access(DirectiveArgs& args, ParseContext& ctx) { access_rule(args, ctx, ctx.config.http_access); }
void deny_info(DirectiveArgs& args, ParseContext& ctx) {
  std::vector<std::string> words;
  while (auto t = args.next_if_any()) words.push_back(t->text);
  try {
    auto info = parse_deny_info(words);
    info.where = ctx.where;
    ctx.config.deny_info.push_back(std::move(info));
  } catch (const std::invalid_argument& e) {
    throw DirectiveError(e.what());
  }
}

void cache_mgr(DirectiveArgs& args, ParseContext& ctx) { ctx.config.cache_mgr = args.next("address").text; }

void proxy_protocol_access(DirectiveArgs& args, ParseContext& ctx) {
  access_rule(args, ctx, ctx.config.proxy_protocol_access);
}

void follow_x_forwarded_for(DirectiveArgs& args, ParseContext& ctx) {
  access_rule(args, ctx, ctx.config.follow_x_forwarded_for);
}

void http_reply_access(DirectiveArgs& args, ParseContext& ctx) {
  access_rule(args, ctx, ctx.config.http_reply_access);
}
void icp_access(DirectiveArgs& args, ParseContext& ctx) { access_rule(args, ctx, ctx.config.icp.access); }
void cache_access(DirectiveArgs& args, ParseContext& ctx) { access_rule(args, ctx, ctx.config.cache_access); }

// Squid's HeaderManglers::track: "All" and "Other" as written, any other name
// case-insensitively.
HeaderMangler& header_mangler(HeaderManglers& manglers, const std::string& name) {
  if (name == "All") return manglers.all;
  if (name == "Other") return manglers.other;
  std::string key = name;
  std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
  return manglers.named[key];
}

// request_header_access / reply_header_access NAME allow|deny [!]acl...
template <HeaderManglers Config::*Manglers>
void header_access(DirectiveArgs& args, ParseContext& ctx) {
  const auto name = args.next("header name").text;
  access_rule(args, ctx, header_mangler(ctx.config.*Manglers, name).access);
}

// request_header_replace / reply_header_replace NAME VALUE...: the rest of the line is the value.
template <HeaderManglers Config::*Manglers>
void header_replace(DirectiveArgs& args, ParseContext& ctx) {
  const auto name = args.next("header name").text;
  std::string value = args.next("replacement value").text;
  if (!args.empty()) value += " " + args.rest_of_line();
  header_mangler(ctx.config.*Manglers, name).replacement = value;
}

// Removed in Squid 3.0; squid 5.7 names the replacements and ignores the line.
void obsolete_header_access(DirectiveArgs& args, ParseContext& ctx) {
  ctx.warn("header_access: since squid-3.0 replace with request_header_access or reply_header_access; squid 5.7 "
           "ignores this line, and so does cuttle");
  while (args.next_if_any()) {
  }
}

// umask MASK (027), read as Squid reads an int: a leading 0 is octal, 0x hex.
void umask_directive(DirectiveArgs& args, ParseContext& ctx) {
  const auto text = args.next("mask").text;
  char* end = nullptr;
  const auto value = std::strtoul(text.c_str(), &end, 0);  // base 0, as Squid: 027 octal, 0x17 hex, 23 decimal
  if (text.empty() || *end != '\0' || value > 0777) throw DirectiveError("umask: expected a mask like 027, got '" + text + "'");
  ctx.config.umask = static_cast<unsigned>(value);
  args.expect_end();
}

// max_filedescriptors N (old name max_filedesc); 0: the system's limit.
void max_filedescriptors(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.max_filedescriptors = args.read_integer("number of file descriptors", 0, 1 << 30);
  args.expect_end();
}

// cache_swap_low / cache_swap_high PERCENT (0-100).
template <int Config::*Field>
void percent(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.*Field = static_cast<int>(args.read_integer("percentage", 0, 100));
  args.expect_end();
}

// logfile_rotate N: how many old logs -k rotate keeps (0: it only reopens them).
// `cache_store_log none|DESTINATION`: any of squid's log modules, as access_log's.
void cache_store_log(DirectiveArgs& args, ParseContext& ctx) {
  auto target = args.next("file").text;
  if (target == "none") return ctx.config.cache_store_log.clear();
  try {
    for (const auto& note : parse_log_destination(target).notes) ctx.warn("cache_store_log " + target + ": " + note);
  } catch (const std::invalid_argument& e) {
    throw DirectiveError(std::string("cache_store_log: ") + e.what());
  }
  ctx.config.cache_store_log = target;
}

// `debug_options [rotate=N] [SECTION,LEVEL…]`: rotate= is how many old cache.log
// files -k rotate keeps; the sections' detail is Squid's own debugging.
void debug_options(DirectiveArgs& args, ParseContext& ctx) {
  bool detail = false;
  while (auto word = args.next_if_any()) {
    if (strncasecmp(word->text.c_str(), "rotate=", 7) == 0) {
      // Squid's atoi; a negative count leaves it to logfile_rotate, as Squid's -1.
      const auto count = std::atoi(word->text.c_str() + 7);
      ctx.config.cache_log_rotate = count < 0 ? std::nullopt : std::optional<int>(count);
    } else {
      detail = true;
    }
  }
  if (detail)
    ctx.warn("'debug_options' sections and levels have no effect in cuttle: they set the detail of Squid's "
             "cache.log debugging sections");
}

void logfile_rotate(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.logfile_rotate = static_cast<int>(args.read_integer("number of logs kept", 0, 10000));
  args.expect_end();
}

void prometheus_access(DirectiveArgs& args, ParseContext& ctx) {
  access_rule(args, ctx, ctx.config.prometheus_access);
}

// prometheus_port [ADDRESS:]PORT
void prometheus_port(DirectiveArgs& args, ParseContext& ctx) {
  HttpPortConfig port;
  port.where = ctx.where;
  const auto& spec = args.next("port").text;
  port.name = spec;  // as Squid: the port as written, unless name= says otherwise
  parse_listen_address(spec, port);
  args.expect_end();
  ctx.config.prometheus_port = std::move(port);
}

// cachemgr_passwd PASSWORD ACTION... ; as Squid, an action a previous line
// already names keeps that line's password (a warning).
void cachemgr_passwd(DirectiveArgs& args, ParseContext& ctx) {
  CachemgrPasswd entry;
  entry.where = ctx.where;
  entry.password = args.next("password").text;
  while (auto t = args.next_if_any()) entry.actions.push_back(t->text);
  for (const auto& earlier : ctx.config.cachemgr_passwd)
    for (const auto& action : entry.actions)
      if (std::find(earlier.actions.begin(), earlier.actions.end(), action) != earlier.actions.end())
        ctx.warn("cachemgr_passwd: action '" + action + "' already has a password (" + earlier.where +
                 "); the first one applies");
  ctx.config.cachemgr_passwd.push_back(std::move(entry));
}

void always_direct(DirectiveArgs& args, ParseContext& ctx) { access_rule(args, ctx, ctx.config.always_direct); }
void spoof_client_ip(DirectiveArgs& args, ParseContext& ctx) { access_rule(args, ctx, ctx.config.spoof_client_ip); }
void never_direct(DirectiveArgs& args, ParseContext& ctx) { access_rule(args, ctx, ctx.config.never_direct); }

// `cache_peer_access NAME allow|deny ACL...`: the peer must be configured above.
void cache_peer_access(DirectiveArgs& args, ParseContext& ctx) {
  auto name = args.next("cache_peer name").text;
  for (auto& peer : ctx.config.cache_peers)
    if (peer.name == name) return access_rule(args, ctx, peer.access);
  throw DirectiveError("cache_peer_access: no cache_peer named '" + name + "' (define the cache_peer first)");
}

void hierarchy_stoplist(DirectiveArgs& args, ParseContext& ctx) {
  while (args.next_if_any()) {}
  ctx.warn("hierarchy_stoplist was removed in Squid 3.5; as there, only GET requests without credentials go to "
           "peers (see nonhierarchical_direct); ignored");
}

void icp_port(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.icp.port = parse_port(args.next("port").text, "icp_port");
  args.expect_end();
}

// ICP on/off and time settings; times without a unit are in `Unit` as Squid documents them.
template <bool IcpConfig::*Field>
void icp_on_off(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.icp.*Field = args.read_on_off();
  args.expect_end();
}

template <Milliseconds IcpConfig::*Field, const char* Unit>
void icp_duration(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.icp.*Field = args.read_duration(Unit);
  args.expect_end();
}
constexpr char kMilliseconds[] = "milliseconds";
constexpr char kSeconds[] = "seconds";

template <Milliseconds Config::*Field>
void duration(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.*Field = args.read_duration("seconds");
  args.expect_end();
}

// Squid's b_size_t and b_int64_t: a size whose unit, when none is given, is
// bytes, with Squid's warning.
uint64_t read_squid_size(DirectiveArgs& args, ParseContext& ctx) {
  bool unit_given = true;
  const auto bytes = args.read_bytes("bytes", &unit_given);
  if (!unit_given)
    ctx.warn("no units on '" + args.directive() + "', assuming " + std::to_string(bytes) + " bytes (as Squid)");
  args.expect_end();
  return bytes;
}

template <uint64_t Config::*Field>
void size_in_bytes(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.*Field = read_squid_size(args, ctx);
}

template <bool Config::*Field>
void on_off(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.*Field = args.read_on_off();
  args.expect_end();
}

template <std::string Config::*Field>
void word(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.*Field = args.next("value").text;
  args.expect_end();
}

void forwarded_for(DirectiveArgs& args, ParseContext& ctx) {
  auto v = args.next("on|off|transparent|delete|truncate").text;
  static const std::pair<std::string_view, ForwardedFor> modes[] = {{"on", ForwardedFor::On},
                                                                     {"off", ForwardedFor::Off},
                                                                     {"transparent", ForwardedFor::Transparent},
                                                                     {"delete", ForwardedFor::Delete},
                                                                     {"truncate", ForwardedFor::Truncate}};
  for (auto& [n, m] : modes)
    if (v == n) {
      ctx.config.forwarded_for = m;
      args.expect_end();
      return;
    }
  throw DirectiveError("forwarded_for: expected on, off, transparent, delete or truncate, got '" + v + "'");
}

void workers(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.workers = static_cast<int>(args.read_integer("worker count", 1, 128));
  args.expect_end();
}

void tls_outgoing_options(DirectiveArgs& args, ParseContext& ctx) {
  while (auto t = args.next_if_any()) {
    if (t->text.starts_with("cafile=")) ctx.config.tls_outgoing_cafiles.push_back(t->text.substr(7));
    else if (auto what = tls_restriction(t->text))
      throw DirectiveError("tls_outgoing_options option '" + t->text + "' restricts " + *what +
                           " for connections to origins; cuttle does not implement it yet and will not run without it");
    else ctx.warn("tls_outgoing_options option '" + t->text + "' is not implemented by cuttle; ignored");
  }
}

void refresh_pattern(DirectiveArgs& args, ParseContext& ctx) {
  std::vector<std::string> words;
  while (auto t = args.next_if_any()) words.push_back(t->text);
  try {
    std::vector<std::string> warnings;
    auto pattern = make_refresh_pattern(words, &warnings);
    for (const auto& warning : warnings) ctx.warn(warning);
    pattern.where = ctx.where;
    ctx.config.refresh_patterns.push_back(std::move(pattern));
  } catch (const std::invalid_argument& e) {
    throw DirectiveError(e.what());
  }
}

void pid_filename(DirectiveArgs& args, ParseContext& ctx) {
  auto v = args.next("path").text;
  ctx.config.pid_filename = v == "none" ? "" : v;
  args.expect_end();
}

// coredump_dir DIR|none: `none` (squid's default) stays where cuttle was started.
void coredump_dir(DirectiveArgs& args, ParseContext& ctx) {
  auto v = args.next("directory").text;
  ctx.config.coredump_dir = v == "none" ? "" : v;
  args.expect_end();
}

// pac_member HOST:PORT [weight=N] [name=NAME]
void pac_member(DirectiveArgs& args, ParseContext& ctx) {
  PacMemberConfig member;
  member.where = ctx.where;
  std::string address = args.next("HOST:PORT").text;
  auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0) throw DirectiveError("pac_member: expected HOST:PORT, got '" + address + "'");
  member.host = address.substr(0, colon);
  if (member.host.size() > 2 && member.host.front() == '[' && member.host.back() == ']')
    member.host = member.host.substr(1, member.host.size() - 2);
  member.port = parse_port(address.substr(colon + 1), "pac_member port");
  while (auto t = args.next_if_any()) {
    const auto& o = t->text;
    if (o.starts_with("weight=")) {
      int64_t w = 0;
      auto v = std::string_view(o).substr(7);
      if (std::from_chars(v.data(), v.data() + v.size(), w).ec != std::errc() || w < 1 || w > 1000000)
        throw DirectiveError("pac_member: weight= must be a whole number from 1 to 1000000");
      member.weight = static_cast<int>(w);
    } else if (o.starts_with("name=") && o.size() > 5) {
      member.name = o.substr(5);
    } else {
      throw DirectiveError("pac_member: unknown option '" + o + "'");
    }
  }
  if (member.name.empty()) member.name = member.host;
  ctx.config.pac.members.push_back(std::move(member));
}

void pac_direct_domain(DirectiveArgs& args, ParseContext& ctx) {
  auto& domains = ctx.config.pac.direct_domains;
  domains.push_back(args.next("domain").text);
  while (auto t = args.next_if_any()) domains.push_back(t->text);
}

void pac_direct_fallback(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.pac.direct_fallback = args.read_on_off();
  args.expect_end();
}

struct DirectiveEntry {
  std::string_view name;
  DirectiveHandler handler;
};

constexpr DirectiveEntry kDirectives[] = {
    {"http_port", http_port},
    {"ascii_port", http_port},  // squid 5.7's old names, still read
    {"https_port", https_port},
    {"cache_peer", cache_peer},
    {"acl", acl},
    {"http_access", http_access},
    {"http_reply_access", http_reply_access},
    {"deny_info", deny_info},
    {"error_directory", error_directory},
    {"error_default_language", error_default_language},
    {"err_page_stylesheet", err_page_stylesheet},
    {"error_log_languages", error_log_languages},
    {"err_html_text", err_html_text},
    {"email_err_data", email_err_data},
    {"cache_mgr", cache_mgr},
    {"cache", cache_access},
    {"no_cache", cache_access},  // Squid 5.7 still reads the old name as `cache`
    {"auth_param", auth_param},
    {"external_acl_type", external_acl_type},
    {"url_rewrite_program", url_rewrite_program},
    {"redirect_program", url_rewrite_program},
    {"url_rewrite_children", url_rewrite_children},
    {"redirect_children", url_rewrite_children},
    {"url_rewrite_concurrency", url_rewrite_concurrency},
    {"url_rewrite_access", url_rewrite_access},
    {"redirector_access", url_rewrite_access},
    {"url_rewrite_bypass", url_rewrite_bypass},
    {"redirector_bypass", url_rewrite_bypass},
    {"url_rewrite_extras", url_rewrite_extras},
    {"url_rewrite_host_header", url_rewrite_host_header},
    {"redirect_rewrites_host_header", url_rewrite_host_header},
    {"url_rewrite_timeout", url_rewrite_timeout},
    {"store_id_program", store_id_program},
    {"storeurl_rewrite_program", store_id_program},
    {"store_id_children", store_id_children},
    {"storeurl_rewrite_children", store_id_children},
    {"store_id_access", store_id_access},
    {"storeurl_rewrite_access", store_id_access},
    {"store_id_bypass", store_id_bypass},
    {"storeurl_rewrite_bypass", store_id_bypass},
    {"store_id_extras", store_id_extras},
    {"authenticate_ttl", authenticate_ttl},
    {"authenticate_ip_ttl", authenticate_ip_ttl},
    {"authenticate_cache_garbage_interval", authenticate_cache_garbage_interval},
    {"helper_timeout", helper_timeout},
    {"request_header_access", header_access<&Config::request_header_manglers>},
    {"reply_header_access", header_access<&Config::reply_header_manglers>},
    {"header_access", obsolete_header_access},
    {"request_header_replace", header_replace<&Config::request_header_manglers>},
    {"header_replace", header_replace<&Config::request_header_manglers>},
    {"reply_header_replace", header_replace<&Config::reply_header_manglers>},
    {"request_header_add", request_header_add},
    {"reply_header_add", reply_header_add},
    {"note", note_directive},
    {"cache_dir", cache_dir},
    {"cache_mem", size_in_bytes<&Config::cache_mem_bytes>},
    {"cache_replacement_policy", cache_replacement_policy},
    {"memory_replacement_policy", memory_replacement_policy},
    {"maximum_object_size", size_in_bytes<&Config::maximum_object_size>},
    {"maximum_object_size_in_memory", size_in_bytes<&Config::maximum_object_size_in_memory>},
    {"minimum_object_size", size_in_bytes<&Config::minimum_object_size>},
    {"cache_swap_low", percent<&Config::cache_swap_low>},
    {"cache_swap_high", percent<&Config::cache_swap_high>},
    {"request_header_max_size", size_in_bytes<&Config::request_header_max_size>},
    {"reply_header_max_size", size_in_bytes<&Config::reply_header_max_size>},
    {"request_body_max_size", size_in_bytes<&Config::request_body_max_size>},
    {"access_log", access_log},
    {"logfile_rotate", logfile_rotate},
    {"cache_store_log", cache_store_log},
    {"debug_options", debug_options},
    {"logfile_daemon", word<&Config::logfile_daemon>},
    {"reply_body_max_size", reply_body_max_size},
    {"quick_abort_min", quick_abort_min},
    {"quick_abort_max", quick_abort_max},
    {"quick_abort_pct", quick_abort_pct},
    {"range_offset_limit", range_offset_limit},
    {"logformat", logformat_directive},
    {"cache_access_log", access_log},
    {"strip_query_terms", on_off<&Config::strip_query_terms>},
    {"log_mime_hdrs", on_off<&Config::log_mime_hdrs>},
    {"buffered_logs", on_off<&Config::buffered_logs>},
    {"collapsed_forwarding", on_off<&Config::collapsed_forwarding>},
    {"cache_set_cookie", on_off<&Config::cache_set_cookie>},
    {"pid_filename", pid_filename},
    {"coredump_dir", coredump_dir},
    {"cache_log", word<&Config::cache_log>},
    {"visible_hostname", word<&Config::visible_hostname>},
    {"via", on_off<&Config::via>},
    {"host_verify_strict", on_off<&Config::host_verify_strict>},
    {"client_dst_passthru", on_off<&Config::client_dst_passthru>},
    {"httpd_suppress_version_string", on_off<&Config::suppress_version>},
    {"follow_x_forwarded_for", follow_x_forwarded_for},
    {"proxy_protocol_access", proxy_protocol_access},
    {"client_persistent_connections", client_persistent_connections},
    {"server_persistent_connections", server_persistent_connections},
    {"half_closed_clients", half_closed_clients},
    {"forward_timeout", forward_timeout},
    {"peer_connect_timeout", peer_connect_timeout},
    {"pconn_lifetime", pconn_lifetime},
    {"acl_uses_indirect_client", on_off<&Config::acl_uses_indirect_client>},
    {"log_uses_indirect_client", on_off<&Config::log_uses_indirect_client>},
    {"delay_pool_uses_indirect_client", on_off<&Config::delay_pool_uses_indirect_client>},
    {"delay_pools", delay_pools},
    {"delay_class", delay_class},
    {"delay_parameters", delay_parameters},
    {"delay_access", delay_access},
    {"delay_initial_bucket_level", delay_initial_bucket_level},
    {"client_delay_pools", client_delay_pools},
    {"client_delay_parameters", client_delay_parameters},
    {"client_delay_access", client_delay_access},
    {"client_delay_initial_bucket_level", client_delay_initial_bucket_level},
    {"forwarded_for", forwarded_for},
    {"workers", workers},
    {"connect_timeout", duration<&Config::connect_timeout>},
    {"read_timeout", duration<&Config::read_timeout>},
    {"request_timeout", duration<&Config::request_timeout>},
    {"client_idle_pconn_timeout", duration<&Config::client_idle_pconn_timeout>},
    {"client_lifetime", duration<&Config::client_lifetime>},
    {"max_filedescriptors", max_filedescriptors},
    {"umask", umask_directive},
    {"cache_effective_user", word<&Config::effective_user>},
    {"cache_effective_group", word<&Config::effective_group>},
    {"max_filedesc", max_filedescriptors},
    {"persistent_request_timeout", duration<&Config::client_idle_pconn_timeout>},
    {"server_idle_pconn_timeout", duration<&Config::server_idle_pconn_timeout>},
    {"pconn_timeout", duration<&Config::server_idle_pconn_timeout>},
    {"shutdown_lifetime", duration<&Config::shutdown_lifetime>},
    {"dns_timeout", dns_timeout},
    {"dns_retransmit_interval", dns_retransmit_interval},
    {"dns_nameservers", dns_nameservers},
    {"hosts_file", hosts_file},
    {"positive_dns_ttl", positive_dns_ttl},
    {"negative_dns_ttl", negative_dns_ttl},
    {"ipcache_size", ipcache_size},
    {"ipcache_low", ipcache_low},
    {"ipcache_high", ipcache_high},
    {"append_domain", append_domain},
    {"dns_defnames", dns_defnames},
    {"tcp_outgoing_address", tcp_outgoing_address},
    {"tcp_outgoing_tos", tcp_outgoing_tos},
    {"tcp_outgoing_ds", tcp_outgoing_tos},
    {"tcp_outgoing_dscp", tcp_outgoing_tos},
    {"tcp_outgoing_mark", tcp_outgoing_mark},
    {"ssl_bump", ssl_bump},
    {"clientside_tos", clientside_tos},
    {"tls_outgoing_options", tls_outgoing_options},
    {"refresh_pattern", refresh_pattern},
    {"negative_ttl", duration<&Config::negative_ttl>},
    {"pac_member", pac_member},
    {"prometheus_port", prometheus_port},
    {"prometheus_access", prometheus_access},
    {"cachemgr_passwd", cachemgr_passwd},
    {"pac_direct_domain", pac_direct_domain},
    {"pac_direct_fallback", pac_direct_fallback},
    {"icp_port", icp_port},
    {"udp_port", icp_port},
    {"always_direct", always_direct},
    {"spoof_client_ip", spoof_client_ip},
    {"never_direct", never_direct},
    {"prefer_direct", on_off<&Config::prefer_direct>},
    {"nonhierarchical_direct", on_off<&Config::nonhierarchical_direct>},
    {"cache_peer_access", cache_peer_access},
    {"hierarchy_stoplist", hierarchy_stoplist},
    {"icp_access", icp_access},
    {"icp_hit_stale", icp_on_off<&IcpConfig::hit_stale>},
    {"log_icp_queries", icp_on_off<&IcpConfig::log_queries>},
    {"query_icmp", icp_on_off<&IcpConfig::query_icmp>},
    {"icp_query_timeout", icp_duration<&IcpConfig::query_timeout, kMilliseconds>},
    {"maximum_icp_query_timeout", icp_duration<&IcpConfig::maximum_query_timeout, kMilliseconds>},
    {"minimum_icp_query_timeout", icp_duration<&IcpConfig::minimum_query_timeout, kMilliseconds>},
    {"dead_peer_timeout", icp_duration<&IcpConfig::dead_peer_timeout, kSeconds>},
};

constexpr std::string_view kSquidDirectives[] = {
#include "proxy/config/squid_directive_names.inc"
};

}  // namespace

DirectiveHandler find_directive(std::string_view name) {
  for (const auto& d : kDirectives)
    if (d.name == name) return d.handler;
  return nullptr;
}

bool is_squid_directive(std::string_view name) {
  return std::find(std::begin(kSquidDirectives), std::end(kSquidDirectives), name) != std::end(kSquidDirectives);
}

void validate_config(const Config& config) {
  if (config.http_ports.empty()) throw DirectiveError("no http_port configured: cuttle would not listen anywhere");
  for (const auto& port : config.http_ports)
    for (const auto& other : config.http_ports)
      if (&port != &other && port.port == other.port && port.address == other.address)
        throw DirectiveError("http_port " + std::to_string(port.port) + " is configured twice (" + port.where +
                             " and " + other.where + ")");
  if (config.icp.minimum_query_timeout > config.icp.maximum_query_timeout)
    throw DirectiveError("minimum_icp_query_timeout is larger than maximum_icp_query_timeout");
}

}  // namespace cuttle
