// The fate of every Squid 5.7 directive cuttle does not implement (see
// directive_fates.h), sorted by name. Sources: squid's src/cf.data.pre (types,
// defaults, obsolete texts) and src/cache_cf.cc (parse_obsolete). When cuttle
// implements one, its handler in directives.cc is found first and the row here
// goes.
#include "proxy/config/directive_fates.h"

#include <algorithm>

namespace cuttle {
namespace directive_fates_table {

// Rows are built member by member: designated initializers that leave members
// to their defaults draw -Wmissing-field-initializers.
constexpr DirectiveFate row(std::string_view name, Fate fate, std::string_view why, std::string_view off = "") {
  DirectiveFate f;
  f.name = name;
  f.fate = fate;
  f.why = why;
  f.off = off;
  return f;
}
constexpr DirectiveFate no_effect(std::string_view name, std::string_view why) {
  return row(name, Fate::NoEffect, why);
}
constexpr DirectiveFate protective(std::string_view name, std::string_view what, std::string_view off = "") {
  return row(name, Fate::Protective, what, off);
}
// Protective, but `loose` values loosen instead: a warning, not a refusal.
constexpr DirectiveFate protective(std::string_view name, std::string_view what, std::string_view off,
                                   std::string_view loose) {
  auto f = row(name, Fate::Protective, what, off);
  f.loose = loose;
  return f;
}
// Turns on a feature cuttle has not: refused unless `off`.
constexpr DirectiveFate enables(std::string_view name, std::string_view feature, std::string_view what,
                                std::string_view off = "") {
  auto f = row(name, Fate::AbsentFeature, what, off);
  f.feature = feature;
  f.enables = true;
  return f;
}
// Tunes a feature cuttle has not, which no line cuttle accepts turns on.
constexpr DirectiveFate tunes(std::string_view name, std::string_view feature, std::string_view off = "") {
  auto f = row(name, Fate::AbsentFeature, "", off);
  f.feature = feature;
  return f;
}
constexpr DirectiveFate behaviour(std::string_view name, std::string_view squid_does, std::string_view off = "") {
  return row(name, Fate::Behaviour, squid_does, off);
}
constexpr DirectiveFate obsolete(std::string_view name, std::string_view squid_doc) {
  return row(name, Fate::Obsolete, squid_doc);
}
constexpr DirectiveFate obsolete_refused(std::string_view name, std::string_view squid_doc, std::string_view why) {
  auto f = row(name, Fate::Obsolete, squid_doc);
  f.refusal = why;
  return f;
}
constexpr DirectiveFate obsolete_read_as(std::string_view name, std::string_view squid_doc, ObsoleteRewrite rewrite,
                                         std::string_view target) {
  auto f = row(name, Fate::Obsolete, squid_doc);
  f.rewrite = rewrite;
  f.target = target;
  return f;
}

constexpr std::string_view kNotYetInSquid3 = "This option is not yet supported by Squid-3.";
constexpr std::string_view kSquidDrops = "squid 5.7 refuses the file too (\"FATAL: Bungled\")";

constexpr DirectiveFate kTable[] = {
    behaviour("accept_filter", "the kernel holds new connections until they send data (TCP_DEFER_ACCEPT)", "none"),
    enables("adaptation_access", "ICAP or eCAP adaptation",
            "it sends traffic through ICAP or eCAP services (filtering, virus scanning)"),
    tunes("adaptation_masterx_shared_names", "ICAP or eCAP adaptation"),
    tunes("adaptation_meta", "ICAP or eCAP adaptation"),
    tunes("adaptation_send_client_ip", "ICAP or eCAP adaptation", "off"),
    tunes("adaptation_send_username", "ICAP or eCAP adaptation", "off"),
    tunes("adaptation_service_chain", "ICAP or eCAP adaptation"),
    tunes("adaptation_service_iteration_limit", "ICAP or eCAP adaptation"),
    tunes("adaptation_service_set", "ICAP or eCAP adaptation"),
    tunes("adaptation_uses_indirect_client", "ICAP or eCAP adaptation"),
    protective("adapted_http_access", "decides access after adaptation"),
    protective("allow_underscore", "with 'off', refuses host names containing '_' (when check_hostnames is on)", "on"),
    tunes("announce_file", "cache announcement"),
    tunes("announce_host", "cache announcement"),
    enables("announce_period", "cache announcement", "it sends periodic UDP announcements of this cache to a tracker",
            "0|0 seconds"),
    tunes("announce_port", "cache announcement"),
    behaviour("as_whois_server", "asks this WHOIS server for the networks of src_as/dst_as ACLs", "whois.ra.net"),
    protective("auth_schemes", "chooses which authentication schemes each client is offered", "ALL all"),
    tunes("background_ping_rate", "ICP background pings"),
    obsolete("balance_on_multiple_ip",
             "Remove this line. Squid performs a 'Happy Eyeballs' algorithm, this multiple-IP algorithm is not longer "
             "relevant."),
    behaviour("broken_posts", "sends an extra CRLF after PUT/POST bodies to the servers it matches", "deny all"),
    obsolete("broken_vary_encoding", kNotYetInSquid3),
    behaviour("cache_miss_revalidate",
              "with 'off', strips If-Modified-Since and If-None-Match from cacheable misses, so origins answer 200 "
              "rather than 304",
              "on"),
    obsolete("cache_peer_domain", "Replace with dstdomain ACLs and cache_peer_access."),
    no_effect("cache_swap_state", "it names Squid's UFS swap.state journals; cuttle's index lives inside LMDB"),
    obsolete("cache_vary", kNotYetInSquid3),
    protective("check_hostnames", "refuses requests whose host name is not RFC 1034 compliant", "off"),
    protective("chroot", "confines the proxy to a directory after start-up"),
    obsolete("chunked_request_body_max_size", "Remove this line. Squid is now HTTP/1.1 compliant."),
    behaviour("client_db",
              "with 'off', keeps no per-client statistics, and maxconn ACLs never match (cuttle's always count)",
              "on"),
    protective("client_ip_max_connections", "limits connections per client address", "-1"),
    protective("client_netmask", "hides the last bits of client addresses in logs (privacy)",
               "no_addr|full_mask|255.255.255.255"),
    no_effect("client_request_buffer_max_size",
              "it caps Squid's client read buffer; cuttle reads request headers up to request_header_max_size and "
              "streams bodies"),
    protective("collapsed_forwarding_access", "keeps some requests from sharing one origin reply", "allow all"),
    behaviour("configuration_includes_quoted_values",
              "with 'on', reads \"quoted\" values on the lines after it as single values, not file names", "off"),
    behaviour("connect_retries", "opens a failed server connection again, up to this many times", "0"),
    no_effect("cpu_affinity_map", "it pins Squid's kid processes to CPU cores; cuttle is one process"),
    behaviour("detect_broken_pconn", "ends some HTTP/1.0 keep-alive replies after a 10 second stall", "off"),
    tunes("digest_bits_per_entry", "Cache Digest"),
    tunes("digest_generation", "Cache Digest", "off"),
    tunes("digest_rebuild_chunk_percentage", "Cache Digest"),
    tunes("digest_rebuild_period", "Cache Digest"),
    tunes("digest_rewrite_period", "Cache Digest"),
    tunes("digest_swapout_chunk_size", "Cache Digest"),
    no_effect("diskd_program", "it names Squid's diskd helper; cuttle keeps diskd cache_dirs in LMDB without one"),
    behaviour("dns_multicast_local", "with 'on', resolves .local names by multicast DNS", "off"),
    behaviour("dns_packet_max", "advertises this EDNS packet size to DNS servers", "none"),
    obsolete("dns_testnames", "Remove this line. DNS is no longer tested on startup."),
    obsolete("dns_v4_fallback",
             "Remove this line. Squid performs a 'Happy Eyeballs' algorithm, the 'fallback' algorithm is no longer "
             "relevant."),
    obsolete("dns_v4_first", "Remove this line. Squid no longer supports preferential treatment of DNS A records."),
    enables("ecap_enable", "eCAP", "it sends traffic through eCAP adapters", "off"),
    tunes("ecap_service", "eCAP"),
    obsolete("emulate_httpd_log",
             "Replace this with an access_log directive using the format 'common' or 'combined'."),
    obsolete("error_map", kNotYetInSquid3),
    enables("esi_parser", "ESI", "it chooses the parser of Edge Side Includes", "auto"),
    behaviour("eui_lookup", "looks up clients' MAC (EUI) addresses for logs and helpers", "off"),
    obsolete("extension_methods", "Remove this line. All valid methods for HTTP are accepted by default."),
    obsolete("external_refresh_check", kNotYetInSquid3),
    behaviour("force_request_body_continuation",
              "answers 100 Continue itself to the requests it matches, before the next hop does", "deny all"),
    obsolete("forward_log", "Use a regular access.log with ACL limiting it to MISS events."),
    behaviour("forward_max_tries", "tries at most this many destinations for a request", "25"),
    no_effect("fqdncache_size", "it sizes Squid's reverse-DNS cache; cuttle caches names its own way"),
    tunes("ftp_client_idle_timeout", "FTP"),
    tunes("ftp_eprt", "FTP"),
    tunes("ftp_epsv", "FTP"),
    tunes("ftp_epsv_all", "FTP"),
    obsolete("ftp_list_width",
             "Remove this line. Configure FTP page display using the CSS controls in errorpages.css instead."),
    tunes("ftp_passive", "FTP"),
    enables("ftp_port", "FTP", "it opens a port for native FTP clients"),
    tunes("ftp_sanitycheck", "FTP"),
    tunes("ftp_telnet_protocol", "FTP"),
    tunes("ftp_user", "FTP"),
    tunes("global_internal_static", "internal icons"),
    behaviour("happy_eyeballs_connect_gap", "spaces spare connection attempts by this many milliseconds", "-1"),
    behaviour("happy_eyeballs_connect_limit", "opens at most this many spare connections at once", "-1"),
    behaviour("happy_eyeballs_connect_timeout", "starts a spare connection attempt after this many milliseconds",
              "250"),
    no_effect("high_memory_warning", "stock Linux Squid builds ignore it too (it needs GNU malloc's mstats())"),
    behaviour("high_page_fault_warning", "warns in cache.log when page faults pass this rate", "0"),
    behaviour("high_response_time_warning", "warns in cache.log when the median response time passes this", "0"),
    no_effect("hopeless_kid_revival_delay", "it paces restarts of Squid's crashing kid processes; cuttle has none"),
    behaviour("hostname_aliases", "answers requests for these names itself (cache manager, internal URLs)"),
    tunes("htcp_access", "HTCP"),
    tunes("htcp_clr_access", "HTCP"),
    enables("htcp_port", "HTCP", "it opens a port answering peers' HTCP queries and purges", "0"),
    behaviour("http_accel_surrogate_remote", "with 'on', honours Surrogate-Control: no-store-remote", "off"),
    behaviour("http_upgrade_request_protocols", "forwards the Upgrade offers (e.g. WebSocket) it allows"),
    obsolete("httpd_accel_no_pmtu_disc", "Since squid-3.0 use the 'disable-pmtu-discovery' flag on http_port instead."),
    behaviour("httpd_accel_surrogate_id", "names itself this way in Surrogate-Capability to origins"),
    tunes("icap_206_enable", "ICAP"),
    enables("icap_access", "ICAP", "squid 5.7 reads it as adaptation_access: it sends traffic through ICAP services"),
    tunes("icap_class", "ICAP"),
    tunes("icap_client_username_encode", "ICAP", "off"),
    tunes("icap_client_username_header", "ICAP"),
    tunes("icap_connect_timeout", "ICAP"),
    tunes("icap_default_options_ttl", "ICAP"),
    enables("icap_enable", "ICAP", "it sends traffic through ICAP services (filtering, virus scanning)", "off"),
    tunes("icap_io_timeout", "ICAP"),
    tunes("icap_log", "ICAP", "none"),
    tunes("icap_persistent_connections", "ICAP"),
    tunes("icap_preview_enable", "ICAP"),
    tunes("icap_preview_size", "ICAP"),
    tunes("icap_retry", "ICAP"),
    tunes("icap_retry_limit", "ICAP"),
    tunes("icap_service", "ICAP"),
    tunes("icap_service_failure_limit", "ICAP"),
    tunes("icap_service_revival_delay", "ICAP"),
    tunes("icon_directory", "internal icons"),
    enables("ident_lookup_access", "ident", "it looks up the user of client connections (RFC 931)", "deny all"),
    tunes("ident_timeout", "ident"),
    obsolete("ie_refresh", "Remove this line. The behaviour enabled by this is no longer needed."),
    obsolete("ignore_expect_100", "Remove this line. The HTTP/1.1 feature is now fully supported by default."),
    obsolete_read_as("ignore_ims_on_miss",
                     "Remove this line. The HTTP/1.1 feature is now configured by 'cache_miss_revalidate'.",
                     ObsoleteRewrite::InvertedOnOff, "cache_miss_revalidate"),
    behaviour("ignore_unknown_nameservers", "with 'off', accepts DNS answers from servers it did not ask", "on"),
    no_effect("incoming_dns_average", "it tunes Squid's comm_select polling loop; cuttle uses Asio"),
    obsolete("incoming_rate", ""),
    no_effect("incoming_tcp_average", "it tunes Squid's comm_select polling loop; cuttle uses Asio"),
    no_effect("incoming_udp_average", "it tunes Squid's comm_select polling loop; cuttle uses Asio"),
    enables("loadable_modules", "loadable modules", "it loads shared libraries (eCAP adapters) into the proxy"),
    obsolete("location_rewrite_program", kNotYetInSquid3),
    obsolete_refused("log_access", "Remove this line. Use acls with access_log directives to control access logging",
                     kSquidDrops),
    obsolete("log_fqdn", "Remove this option from your config. To log FQDN use %>A in the log format."),
    obsolete_refused("log_icap", "Remove this line. Use acls with icap_log directives to control icap logging",
                     kSquidDrops),
    obsolete("log_ip_on_direct",
             "Remove this option from your config. To log server or peer names use %<A in the log format."),
    behaviour("mail_from", "sends its death notice e-mail from this address"),
    behaviour("mail_program", "sends its death notice e-mail with this program", "mail"),
    behaviour("mark_client_connection", "sets a netfilter CONNMARK on client connections per ACL"),
    behaviour("mark_client_packet", "sets a netfilter mark on packets to clients per ACL"),
    no_effect("max_open_disk_fds", "it limits Squid's open UFS files; LMDB keeps one mapped file open"),
    behaviour("max_stale", "serves stale objects up to this age when revalidation fails", "1 week"),
    obsolete("maximum_single_addr_tries",
             "Replaced by connect_retries. The behaviour has changed, please read the documentation before altering."),
    enables("mcast_groups", "multicast ICP", "it joins multicast groups to receive ICP queries"),
    tunes("mcast_icp_query_timeout", "multicast ICP"),
    tunes("mcast_miss_addr", "multicast miss stream", "no_addr"),
    tunes("mcast_miss_encode_key", "multicast miss stream"),
    tunes("mcast_miss_port", "multicast miss stream"),
    tunes("mcast_miss_ttl", "multicast miss stream"),
    behaviour("memory_cache_mode", "keeps only these objects in the memory cache (disk, network)", "always"),
    no_effect("memory_cache_shared", "it shares Squid's memory cache among kid processes; cuttle's workers always share one"),
    no_effect("memory_pools", "it tunes Squid's memory allocator"),
    no_effect("memory_pools_limit", "it tunes Squid's memory allocator"),
    tunes("mime_table", "internal icons"),
    no_effect("min_dns_poll_cnt", "it tunes Squid's comm_select polling loop; cuttle uses Asio"),
    no_effect("min_tcp_poll_cnt", "it tunes Squid's comm_select polling loop; cuttle uses Asio"),
    no_effect("min_udp_poll_cnt", "it tunes Squid's comm_select polling loop; cuttle uses Asio"),
    tunes("minimum_direct_hops", "netdb"),
    tunes("minimum_direct_rtt", "netdb"),
    behaviour("minimum_expiry_time", "does not cache replies that expire sooner than this, without a validator",
              "60 seconds"),
    protective("miss_access", "decides which clients (e.g. sibling caches) may fetch misses through this proxy"),
    behaviour("neighbor_type_domain", "treats a cache_peer as parent or sibling per domain"),
    tunes("netdb_filename", "netdb", "none"),
    tunes("netdb_high", "netdb"),
    tunes("netdb_low", "netdb"),
    tunes("netdb_ping_period", "netdb"),
    behaviour("offline_mode", "with 'on', serves cached objects without revalidating them", "off"),
    tunes("on_unsupported_protocol", "interception", "respond all"),
    behaviour("persistent_connection_after_error", "with 'off', closes client connections after error replies", "on"),
    tunes("pinger_enable", "ICMP pinger", "off"),
    tunes("pinger_program", "ICMP pinger"),
    behaviour("pipeline_prefetch", "works on this many pipelined requests of a client at once", "0"),
    behaviour("qos_flows", "marks client connections by where the reply came from (hit, miss, peer)"),
    behaviour("read_ahead_gap", "reads at most this far ahead of a slow client", "16 KB"),
    obsolete("referer_log", "Replace this with an access_log directive using the format 'referrer'."),
    behaviour("refresh_all_ims", "with 'on', revalidates every client If-Modified-Since with the origin", "off"),
    obsolete("refresh_stale_hit", kNotYetInSquid3),
    protective("relaxed_header_parser", "refuses HTTP messages with non-compliant syntax when off", "on|warn"),
    behaviour("reload_into_ims", "with 'on', turns client reloads into conditional requests", "off"),
    behaviour("request_entities", "with 'on', accepts GET and HEAD requests with bodies", "off"),
    behaviour("request_start_timeout", "closes new connections that send nothing for this long", "5 minutes"),
    protective("response_delay_pool", "limits response bandwidth"),
    protective("response_delay_pool_access", "chooses the response delay pool (bandwidth limit) of each request"),
    behaviour("retry_on_error", "with 'on', retries 403, 500, 501 and 503 replies elsewhere", "off"),
    protective("send_hit", "forbids serving some hits"),
    obsolete("server_http11", "Remove this line. HTTP/1.1 is supported by default."),
    behaviour("server_pconn_for_nonretriable", "reuses idle server connections for the non-retriable requests it matches",
              "deny all"),
    no_effect("shared_memory_locking", "it locks Squid's shared memory segments; cuttle has none"),
    no_effect("shared_transient_entries_limit", "it sizes Squid's shared transients table; cuttle has none"),
    tunes("short_icon_urls", "internal icons"),
    no_effect("sleep_after_fork", "it paces Squid's fork() of helpers"),
    tunes("snmp_access", "SNMP"),
    tunes("snmp_incoming_address", "SNMP", "any_addr|0.0.0.0"),
    tunes("snmp_outgoing_address", "SNMP", "no_addr|255.255.255.255"),
    enables("snmp_port", "SNMP", "it opens an SNMP agent port", "0"),
    enables("ssl_engine", "OpenSSL engine support", "it loads an OpenSSL engine (hardware crypto)"),
    tunes("ssl_unclean_shutdown", "client-side TLS", "off"),
    no_effect("sslcrtd_children", "cuttle makes SslBump's certificates in each worker, without helpers"),
    no_effect("sslcrtd_program",
              "cuttle makes SslBump's certificates in each worker, without a helper or a disk database; "
              "dynamic_cert_mem_cache_size= bounds what each worker keeps"),
    tunes("sslcrtvalidator_children", "certificate validator helper"),
    protective("sslcrtvalidator_program", "validates every server certificate with a helper", "none"),
    tunes("sslpassword_program", "client-side TLS"),
    obsolete_read_as("sslproxy_cafile", "Remove this line. Use tls_outgoing_options cafile= instead.",
                     ObsoleteRewrite::TlsOutgoingOption, "cafile="),
    obsolete_refused("sslproxy_capath", "Remove this line. Use tls_outgoing_options capath= instead.",
                     "squid 5.7 reads it as 'tls_outgoing_options capath=', which cuttle does not implement: servers "
                     "whose CA is only there would fail its certificate checks (fails closed)"),
    behaviour("sslproxy_cert_adapt",
              "changes the validity or common name of the certificates it makes, per ACL (cuttle copies the "
              "server's)"),
    behaviour("sslproxy_cert_error", "accepts the server certificate errors it allows (cuttle refuses them all)",
              "deny all"),
    behaviour("sslproxy_cert_sign",
              "signs the certificates it mimics for servers with certificate errors untrusted or self-signed, per "
              "ACL (cuttle accepts no server certificate error, so its CA signs every certificate it makes)"),
    behaviour("sslproxy_cert_sign_hash", "signs the certificates it makes with this hash (cuttle: sha256)", "sha256"),
    obsolete_refused("sslproxy_cipher", "Remove this line. Use tls_outgoing_options cipher= instead.",
                     "squid 5.7 reads it as 'tls_outgoing_options cipher=', which cuttle does not implement: it "
                     "restricts the ciphers of outgoing TLS"),
    obsolete_refused("sslproxy_client_certificate", "Remove this line. Use tls_outgoing_options cert= instead.",
                     "squid 5.7 reads it as 'tls_outgoing_options cert=', which cuttle does not implement: servers "
                     "asking for that client certificate would refuse cuttle (fails closed)"),
    obsolete_refused("sslproxy_client_key", "Remove this line. Use tls_outgoing_options key= instead.",
                     "squid 5.7 reads it as 'tls_outgoing_options key=', which cuttle does not implement: servers "
                     "asking for that client certificate would refuse cuttle (fails closed)"),
    obsolete_refused("sslproxy_flags", "Remove this line. Use tls_outgoing_options flags= instead.",
                     "squid 5.7 reads it as 'tls_outgoing_options flags=', which cuttle does not implement: flags "
                     "such as NO_DEFAULT_CA restrict which servers outgoing TLS trusts"),
    behaviour("sslproxy_foreign_intermediate_certs",
              "completes servers' certificate chains with these intermediates (cuttle refuses incomplete chains)"),
    obsolete_refused("sslproxy_options", "Remove this line. Use tls_outgoing_options options= instead.",
                     "squid 5.7 reads it as 'tls_outgoing_options options=', which cuttle does not implement: options "
                     "such as NO_TLSv1 restrict outgoing TLS"),
    tunes("sslproxy_session_cache_size", "client-side TLS"),
    tunes("sslproxy_session_ttl", "client-side TLS"),
    obsolete_refused("sslproxy_version", "Remove this line. Use tls_outgoing_options options= instead.",
                     "squid 5.7 reads it as 'tls_outgoing_options version=', which cuttle does not implement: it "
                     "restricts the TLS versions of outgoing connections"),
    behaviour("stats_collection", "leaves the requests it denies out of its statistics", "allow all"),
    no_effect("store_avg_object_size", "it sizes Squid's in-memory store index; LMDB sizes itself"),
    behaviour("store_dir_select_algorithm", "chooses the cache_dir of each object this way (round-robin)",
              "least-load"),
    protective("store_miss", "forbids storing some replies"),
    no_effect("store_objects_per_bucket", "it sizes Squid's store hash table; LMDB sizes itself"),
    no_effect("tcp_recv_bufsize", "it sets socket receive buffers, a throughput tuning; cuttle leaves them to the kernel"),
    behaviour("test_reachability", "with 'on', answers ICP_MISS_NOFETCH for origins it has no ICMP data about", "off"),
    tunes("tproxy_uses_indirect_client", "TPROXY", "off"),
    protective("udp_incoming_address", "binds the ICP socket to one address", "any_addr|0.0.0.0|::"),
    behaviour("udp_outgoing_address", "sends ICP queries from this address", "no_addr"),
    behaviour("unique_hostname", "detects forwarding loops by this name rather than visible_hostname"),
    no_effect("unlinkd_program", "it names Squid's unlinkd helper, which removes UFS files; LMDB deletes in place"),
    obsolete("update_headers",
             "Remove this line. The feature is supported by default in storage types where update is implemented."),
    obsolete("upgrade_http0.9", "Remove this line. ICY/1.0 streaming protocol is supported by default."),
    protective("uri_whitespace",
               "decides what becomes of request URIs with whitespace ('deny' refuses them; cuttle answers them 400)",
               "strip", "allow|encode|chop"),
    obsolete("useragent_log", "Replace this with an access_log directive using the format 'useragent'."),
    behaviour("vary_ignore_expire", "with 'on', caches Vary replies that expire at once for HTTP/1.0 clients", "off"),
    obsolete("wais_relay_host", "Replace this line with 'cache_peer' configuration."),
    obsolete("wais_relay_port", "Replace this line with 'cache_peer' configuration."),
    tunes("wccp2_address", "WCCPv2"),
    tunes("wccp2_assignment_method", "WCCPv2"),
    tunes("wccp2_forwarding_method", "WCCPv2"),
    tunes("wccp2_rebuild_wait", "WCCPv2"),
    tunes("wccp2_return_method", "WCCPv2"),
    enables("wccp2_router", "WCCPv2", "it registers with WCCPv2 routers, which then redirect traffic to it"),
    tunes("wccp2_service", "WCCPv2"),
    tunes("wccp2_service_info", "WCCPv2"),
    tunes("wccp2_weight", "WCCPv2"),
    tunes("wccp_address", "WCCP"),
    enables("wccp_router", "WCCP", "it registers with a WCCPv1 router, which then redirects traffic to it",
            "any_addr|0.0.0.0"),
    tunes("wccp_version", "WCCP"),
    no_effect("windows_ipaddrchangemonitor", "it is for Windows only; Squid on Linux ignores it too"),
    behaviour("write_timeout", "ends transactions whose socket stays unwritable this long", "15 minutes"),
    obsolete("zero_buffers", ""),
    obsolete("zph_local", "Alter these entries. Use the qos_flows directive instead."),
};

constexpr bool sorted_by_name() {
  return std::is_sorted(std::begin(kTable), std::end(kTable),
                        [](const DirectiveFate& a, const DirectiveFate& b) { return a.name < b.name; });
}
static_assert(sorted_by_name(), "find_directive_fate() searches the table by name");

}  // namespace directive_fates_table

std::span<const DirectiveFate> directive_fates() { return directive_fates_table::kTable; }

}  // namespace cuttle
