// The parsed configuration: plain values, no behaviour. One Config is built by
// config_parser.cc from squid.conf-syntax text and shared read-only by all workers.
#pragma once

#include "carp/uri.h"
#include "proxy/config/acl/access_rules.h"
#include "proxy/config/deny_info.h"
#include "proxy/config/dns_config.h"
#include "proxy/config/outgoing_config.h"
#include "proxy/config/error_page_settings.h"
#include "proxy/config/auth_config.h"
#include "proxy/config/config_notes.h"
#include "proxy/config/connection_settings.h"
#include "proxy/config/delay_pool_config.h"
#include "proxy/config/quick_abort_config.h"
#include "proxy/config/refresh_pattern_rule.h"
#include "proxy/config/rewrite_config.h"
#include "proxy/config/ssl_bump_config.h"
#include "proxy/config/tls_port_config.h"
#include "proxy/log/log_format.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cuttle {

using Milliseconds = std::chrono::milliseconds;

struct HttpPortConfig {
  std::string address;  // empty: every interface
  uint16_t port = 0;
  bool accel = false;        // accelerator (reverse proxy) mode: origin-form requests
  std::string defaultsite;   // accel: host used when the request names none
  bool vhost = false;        // accel: the Host header names the site
  std::string name;          // name=, by default the port as written ("3128", "127.0.0.1:3128"): myportname
  // require-proxy-header: every connection starts with a PROXY protocol header
  // from a sender proxy_protocol_access allows.
  bool require_proxy_header = false;
  std::optional<TcpKeepalive> tcp_keepalive;  // tcpkeepalive[=idle,interval,timeout]
  bool connection_auth = true;                // connection-auth=off: no NTLM or Negotiate here
  // intercept (or transparent): connections the kernel's NAT redirected here; the
  // request goes where the client sent it (SO_ORIGINAL_DST).
  bool intercept = false;
  // tproxy: connections the kernel's TPROXY delivered here with their destination
  // untouched (IP_TRANSPARENT); servers are reached from the client's own address
  // unless the port also requires a PROXY protocol header (as squid).
  bool tproxy = false;
  bool intercepted() const { return intercept || tproxy; }
  // https_port: every connection is TLS from its first byte, with these settings.
  // ssl-bump ports: the CA certificate and key bumping signs with, and its options.
  std::optional<ServerTlsConfig> tls;
  // ssl-bump: CONNECT tunnels (http_port) go through the ssl_bump rules.
  bool ssl_bump = false;
  bool tls_from_first_byte() const { return tls && !ssl_bump; }
  // https_port … intercept ssl-bump: redirected TLS connections go through SslBump.
  bool bumps_intercepted_tls() const { return tls && ssl_bump && intercepted(); }
  std::string where;         // "file:line", for messages
};

struct CachePeerConfig {
  std::string host;
  std::string type;  // parent | sibling | multicast
  uint16_t http_port = 0;
  uint16_t icp_port = 0;
  std::string name;  // defaults to host
  bool originserver = false;
  bool no_query = false;
  bool proxy_only = false;
  bool no_delay = false;  // its replies bypass delay pools (squid's no-delay)
  bool no_tproxy = false;  // reached from this proxy's address even for TPROXY requests
  bool closest_only = false;  // never FIRST_PARENT_MISS, only CLOSEST_PARENT_MISS
  bool is_default = false;
  bool round_robin = false;
  bool carp = false;
  carp::KeyParts carp_key;  // carp-key=: which URL parts CARP hashes; none set: the whole URL
  bool no_digest = false;
  int weight = 1;
  int max_conn = 0;  // 0: unlimited
  std::optional<Milliseconds> connect_timeout;
  std::string login;
  bool tls = false;          // speak TLS to the peer (Squid's `tls`, old `ssl`)
  std::vector<std::string> tls_cafiles;  // extra trust anchors for the peer's certificate (each tls-cafile=)
  std::string forceddomain;
  // cache_peer_access NAME allow|deny ACL...; none: every request may use the peer.
  std::vector<AccessRule> access;
  std::string where;
};

// `cachemgr_passwd PASSWORD ACTION...`; PASSWORD may be `none` (no password) or
// `disable` (the action is refused), an ACTION `all` (every action).
struct CachemgrPasswd {
  std::string password;
  std::vector<std::string> actions;
  std::string where;
};

// cache_replacement_policy / memory_replacement_policy: Squid's removal policies.
enum class ReplacementPolicyConfig : uint8_t { Lru, HeapLru, HeapGdsf, HeapLfuda };

// One `cache_dir TYPE PATH MBYTES …` line. Every type is an LMDB store: `lmdb`
// at PATH itself; Squid's `ufs`, `aufs`, `diskd` and `rock` in PATH/cuttle-lmdb,
// so a Squid cache left in PATH is never read or touched.
struct CacheDirConfig {
  std::string type;
  std::string path;        // as configured
  std::string store_path;  // where the LMDB environment lives
  uint64_t max_bytes = 0;
  std::optional<uint64_t> min_object_size;  // min-size=; else minimum_object_size
  std::optional<uint64_t> max_object_size;  // max-size=; else maximum_object_size
  bool no_store = false;                    // no-store (old name read-only)
  // The cache_replacement_policy in effect at this line (Squid: "applies to any
  // cache_dir lines listed below this directive").
  ReplacementPolicyConfig replacement = ReplacementPolicyConfig::Lru;
  std::string where;
};

enum class ForwardedFor { On, Off, Transparent, Delete, Truncate };

// One access_log line: a destination (a file, daemon:, syslog:, udp://, tcp://),
// or `none`, and the ACLs a transaction must all match for the line to apply.
struct AccessLogConfig {
  // As written (log_destination_spec.h reads it); empty: `none`, which ends the
  // lines (the later ones do not log what it matches).
  std::string path;
  AccessRule acls;   // an allow rule; no ACLs: every transaction
  std::shared_ptr<const LogFormat> format;  // null: Squid's native format
  std::optional<int> rotate;                // rotate=N; else logfile_rotate
  size_t buffer_size = 64 * 1024;           // buffer-size= (squid's 8*MAX_URL): udp and tcp
  bool die_on_error = true;                 // on-error=die|drop
};

// ICP (RFC 2186) as Squid 5.7 configures it. Squid's defaults: no ICP port,
// icp_access denies everyone, stale objects are MISS, queries are logged.
struct IcpConfig {
  uint16_t port = 0;                // icp_port; 0: ICP off
  std::vector<AccessRule> access;   // icp_access; none: deny all
  bool hit_stale = false;           // icp_hit_stale
  bool log_queries = true;          // log_icp_queries
  Milliseconds query_timeout{0};    // icp_query_timeout; 0: dynamic (from measured RTTs)
  Milliseconds maximum_query_timeout{2000};
  Milliseconds minimum_query_timeout{5};
  Milliseconds dead_peer_timeout{std::chrono::seconds(10)};
  bool query_icmp = false;          // ask peers for their origin RTT (ICP_FLAG_SRC_RTT)
};

// The CARP array a PAC/WPAD file routes browsers over (pac_member lines; without
// them, the `cache_peer ... carp` parents).
struct PacMemberConfig {
  std::string host;
  uint16_t port = 0;
  int weight = 1;
  std::string name;  // hashed by CARP; defaults to host
  std::string where;
};

struct PacConfig {
  std::vector<PacMemberConfig> members;
  std::vector<std::string> direct_domains;  // dstdomain syntax: ".example.com"
  bool direct_fallback = true;              // end the proxy list with DIRECT
};

// request_header_access / request_header_replace for one header name (Squid's
// headerMangler): the rules, and the value a denied field gets instead of going.
struct HeaderMangler {
  std::vector<AccessRule> access;
  std::optional<std::string> replacement;
};

// Squid's HeaderManglers: rules by header name (lower case), then "Other" for
// headers Squid does not know, then "All" for any header.
struct HeaderManglers {
  std::map<std::string, HeaderMangler> named;
  HeaderMangler other;
  HeaderMangler all;
  bool empty() const { return named.empty() && other.access.empty() && all.access.empty(); }
};

// request_header_add / reply_header_add: a field added when every ACL matches;
// its value a literal, or (written in quotes) a logformat specification.
struct HeaderAddition {
  std::string name;
  std::string literal;
  std::optional<LogFormat> format;
  AccessRule acls;
};

struct Config {
  std::vector<HttpPortConfig> http_ports;
  std::vector<CachePeerConfig> cache_peers;
  AclRegistry acls;
  AclNeeds acl_needs;  // what every request's facts must carry for the ACLs defined (set once read)
  AuthConfig auth;
  // Set by url_rewrite_program / store_id_program (and their -children, -access,
  // -bypass, -extras lines, which may come before the program).
  std::optional<UrlRewriteConfig> url_rewrite;
  std::optional<RewriteHelperConfig> store_id;
  std::vector<AccessRule> http_access;
  // follow_x_forwarded_for: whose X-Forwarded-For is believed (none: nobody's);
  // the client it finds is the one ACLs (acl_uses_indirect_client) and logs
  // (log_uses_indirect_client) see.
  std::vector<AccessRule> follow_x_forwarded_for;
  // Who may send a PROXY protocol header on require-proxy-header ports (none: nobody).
  std::vector<AccessRule> proxy_protocol_access;
  ConnectionSettings connections;
  bool acl_uses_indirect_client = true;
  bool log_uses_indirect_client = true;
  bool delay_pool_uses_indirect_client = true;  // delay_access sees (and buckets by) the indirect client
  DelayPoolsConfig delay;  // delay_* and client_delay_* (bandwidth pools)
  std::vector<DenyInfo> deny_info;
  ErrorPageSettings error_pages;  // error_directory, error_default_language, err_page_stylesheet ...
  std::string cache_mgr = "webmaster";  // the administrator's address in error pages (%w)
  // Which replies clients may receive (none: all); checked on the reply header.
  std::vector<AccessRule> http_reply_access;
  // `cache` (old name `no_cache`): a request it denies is neither answered from the
  // cache nor stored (Squid's accessList.noCache); empty: everything may be.
  std::vector<AccessRule> cache_access;
  // Applied to every request header this proxy forwards, after its own fields
  // (Via, X-Forwarded-For) are added, as Squid's httpBuildRequestHeader does.
  HeaderManglers request_header_manglers;
  HeaderManglers reply_header_manglers;  // reply_header_access / reply_header_replace
  // As in Squid, PURGE exists only when some `acl NAME method PURGE` names it.
  bool purge_enabled = false;
  // `logformat NAME …` lines by name; the built-in formats are not here.
  std::map<std::string, std::shared_ptr<const LogFormat>> logformats;
  // The request headers (lower case) some access_log format shows: log lines carry those.
  std::set<std::string> log_request_headers;
  // log_mime_hdrs: native, common and combined lines end with the request and
  // reply headers, and log lines carry every request field (Squid turns it on for
  // a logformat with %>h or %<h without a name).
  bool log_mime_hdrs = false;
  bool buffered_logs = false;  // access.log lines may wait to be written in batches
  // Some access_log format shows the reply header sent (%<h), or notes (%note).
  bool log_reply_head = false;
  bool log_notes = false;
  bool logs_reply_head() const { return log_reply_head || log_mime_hdrs || !cache_store_log.empty(); }
  // reply_body_max_size lines in order: the first whose ACLs all match gives the
  // limit of a reply's body (nullopt: `none`, no limit).
  struct BodySizeLimit {
    std::optional<uint64_t> bytes;
    AccessRule acls;
  };
  std::vector<BodySizeLimit> reply_body_max_size;
  std::vector<HeaderAddition> request_header_additions, reply_header_additions;
  // `note` lines: annotations added as each transaction is logged.
  ConfigNotes notes;
  // range_offset_limit lines (bytes empty: none, always fetch the whole object);
  // none matching: 0, Range requests go upstream as they are.
  std::vector<BodySizeLimit> range_offset_limit;
  // -k rotate renames each log to .0, .0 to .1, … keeping this many; 0: only reopen.
  int logfile_rotate = 10;
  std::optional<int> cache_log_rotate;  // debug_options rotate=N; else logfile_rotate
  // The program daemon: logs are written by (squid's log_file_daemon by default).
  std::string logfile_daemon = "/usr/lib/squid/log_file_daemon";
  std::vector<CacheDirConfig> cache_dirs;  // empty (or `cache_dir null`): no disk cache
  std::vector<RefreshPattern> refresh_patterns;  // empty: Squid's defaults

  uint64_t cache_mem_bytes = 256ull << 20;
  uint64_t maximum_object_size = 4ull << 20;  // the default max-size of each cache_dir
  uint64_t maximum_object_size_in_memory = 512 << 10;  // the memory cache's largest object
  uint64_t minimum_object_size = 0;
  ReplacementPolicyConfig cache_replacement = ReplacementPolicyConfig::Lru;   // for the cache_dir lines after it
  ReplacementPolicyConfig memory_replacement = ReplacementPolicyConfig::Lru;  // the memory cache's
  // cache_swap_low / cache_swap_high (percent of each cache_dir's size).
  int cache_swap_low = 90, cache_swap_high = 95;           // the default min-size of each cache_dir
  uint64_t request_header_max_size = 64ull << 10;
  uint64_t reply_header_max_size = 64ull << 10;
  // request_body_max_size: a larger (dechunked) request body is answered 413; 0: no limit.
  uint64_t request_body_max_size = 0;
  QuickAbort quick_abort;
  // umask: the bits every file cuttle creates leaves out, besides those of the
  // umask it started with (Squid's default 027: logs are not world-readable).
  unsigned umask = 027;
  // cache_effective_user / cache_effective_group: who cuttle becomes when started
  // as root (Debian's squid: proxy; group empty: the user's own groups).
  std::string effective_user = "proxy";
  std::string effective_group;

  PacConfig pac;

  // Prometheus /metrics on its own listener (off unless configured), for the
  // clients prometheus_access allows (none configured: loopback only).
  std::optional<HttpPortConfig> prometheus_port;
  std::vector<AccessRule> prometheus_access;

  // Cache manager passwords, first line naming an action (or `all`) wins.
  std::vector<CachemgrPasswd> cachemgr_passwd;

  std::vector<AccessLogConfig> access_logs;
  bool strip_query_terms = true;
  bool collapsed_forwarding = true;
  // cache_set_cookie: replies with Set-Cookie are stored (RFC 9111 allows it); off,
  // the default, keeps them out of the shared cache (cuttle's privacy choice).
  bool cache_set_cookie = false;
  // How long errors without an explicit lifetime are reused (Squid's default: not at all).
  Milliseconds negative_ttl{0};
  std::string pid_filename = "/run/cuttle.pid";  // empty: none
  std::string coredump_dir;  // empty: none (stay in the directory cuttle started in)
  std::string cache_log;  // where a daemonized cuttle writes diagnostics; empty: stderr
  // cache_store_log: Squid's store.log (SWAPOUT, RELEASE lines), a log destination as
  // written (log_destination_spec.h); empty: none, the default.
  std::string cache_store_log;
  std::string visible_hostname;  // empty: gethostname()
  bool via = true;
  // host_verify_strict: a Host that disagrees with the URL or the intercepted
  // destination is refused (409) rather than sent to that destination uncached.
  bool host_verify_strict = false;
  // client_dst_passthru: intercepted requests go to the address the client sent
  // them to, even when their Host was verified.
  bool client_dst_passthru = true;
  // httpd_suppress_version_string: Server, Via and error pages name the product
  // without its version.
  bool suppress_version = false;
  ForwardedFor forwarded_for = ForwardedFor::On;
  int workers = 0;  // 0: one per hardware core

  Milliseconds connect_timeout{std::chrono::minutes(1)};
  Milliseconds read_timeout{std::chrono::minutes(15)};
  Milliseconds request_timeout{std::chrono::minutes(5)};
  Milliseconds client_idle_pconn_timeout{std::chrono::minutes(2)};
  // client_lifetime: a client connection is closed this long after it opened,
  // whatever it is doing (Squid's defence against connections left hanging).
  Milliseconds client_lifetime{std::chrono::hours(24)};
  // max_filedescriptors: the descriptor limit set at start-up; 0: the system's.
  int64_t max_filedescriptors = 0;
  Milliseconds server_idle_pconn_timeout{std::chrono::minutes(1)};
  Milliseconds shutdown_lifetime{std::chrono::seconds(30)};
  DnsConfig dns;
  OutgoingConfig outgoing;  // tcp_outgoing_address, tcp_outgoing_tos, tcp_outgoing_mark
  std::vector<SslBumpRule> ssl_bump;  // evaluated at each SslBump step of an ssl-bump port's connections

  // TLS towards origins reached DIRECT (https:// URLs): extra CA file.
  std::vector<std::string> tls_outgoing_cafiles;  // each cafile=, all trusted as squid's

  IcpConfig icp;

  // Peer selection (Squid's names). A request matching an always_direct allow rule
  // goes to the origin; one matching never_direct only ever goes to a peer.
  std::vector<AccessRule> always_direct;
  // spoof_client_ip: which TPROXY requests reach servers from the client's address
  // (none: all of them).
  std::vector<AccessRule> spoof_client_ip;
  std::vector<AccessRule> never_direct;
  bool prefer_direct = false;          // DIRECT before parents, not after
  bool nonhierarchical_direct = true;  // non-GET requests go to the origin, not parents
};

}  // namespace cuttle
