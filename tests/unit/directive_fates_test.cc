// What becomes of each Squid 5.7 directive cuttle does not implement: listed as
// having no effect, refused with file:line and why, warned about, or read as
// squid 5.7 reads its obsolete names.
#include "proxy/config/config_parser.h"
#include "proxy/config/directive_fates.h"
#include "proxy/config/directives.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace cuttle {
namespace directive_fates_test {

constexpr std::string_view kSquidNames[] = {
#include "proxy/config/squid_directive_names.inc"
};

LoadedConfig parse(const std::string& line) { return load_config_text("http_port 3128\n" + line + "\n", "test.conf"); }

// The message of the ConfigError that parsing the line throws ("" when none does).
std::string error_of(const std::string& line) {
  try {
    parse(line);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

std::vector<std::string> warnings_of(const std::string& line) { return parse(line).warnings; }

// --- the table -------------------------------------------------------------------

TEST(DirectiveFates, EverySquidDirectiveIsImplementedOrHasAFate) {
  for (auto name : kSquidNames)
    EXPECT_TRUE(find_directive(name) || find_directive_fate(name)) << name << " is neither implemented nor in the table";
}

TEST(DirectiveFates, EveryRowNamesASquidDirective) {
  for (const auto& fate : directive_fates()) EXPECT_TRUE(is_squid_directive(fate.name)) << fate.name;
}

TEST(DirectiveFates, RowsSayWhatEachKindNeeds) {
  for (const auto& fate : directive_fates()) {
    if (fate.fate == Fate::AbsentFeature) {
      EXPECT_FALSE(fate.feature.empty()) << fate.name;
      EXPECT_EQ(fate.enables, !fate.why.empty()) << fate.name << ": a line that enables a feature says what it does";
    } else if (fate.fate != Fate::Obsolete) {
      EXPECT_FALSE(fate.why.empty()) << fate.name;
    }
    if (fate.fate == Fate::NoEffect) {
      EXPECT_TRUE(fate.off.empty()) << fate.name << ": always listed";
    }
  }
}

TEST(DirectiveFates, ASquidAliasHasTheFateOfItsDirective) {
  EXPECT_EQ(find_directive_fate("referrer_log"), find_directive_fate("referer_log"));
  EXPECT_EQ(find_directive_fate("tcp_outgoing_dscp"), find_directive_fate("tcp_outgoing_tos"));
  EXPECT_EQ(find_directive_fate("http_access2"), find_directive_fate("adapted_http_access"));
  EXPECT_EQ(find_directive_fate("frobnicate"), nullptr);
}

// --- values that change nothing --------------------------------------------------

TEST(DirectiveFates, AnOffValueIsTheSameWordsOrTheSameQuantity) {
  EXPECT_TRUE(is_off_value("allow all", "allow   all"));
  EXPECT_TRUE(is_off_value("on|warn", "warn"));
  EXPECT_FALSE(is_off_value("on|warn", "off"));
  EXPECT_TRUE(is_off_value("4 minutes", "240 seconds"));
  EXPECT_TRUE(is_off_value("4 minutes", "4 minutes"));
  EXPECT_TRUE(is_off_value("60 seconds", "60"));  // squid reads a bare time in seconds
  EXPECT_FALSE(is_off_value("4 minutes", "4"));
  EXPECT_TRUE(is_off_value("16 KB", "16384 bytes"));
  EXPECT_FALSE(is_off_value("16 KB", "32 KB"));
  EXPECT_FALSE(is_off_value("", ""));
}

// --- NoEffect ----------------------------------------------------------------------

TEST(DirectiveFates, ADirectiveWithNoEffectIsAcceptedAndListedWithItsReason) {
  EXPECT_EQ(warnings_of("memory_pools off"),
            std::vector<std::string>{"test.conf:2: warning: 'memory_pools' has no effect in cuttle: it tunes Squid's "
                                     "memory allocator"});
  // Listed whatever its value: the line is there, and does nothing.
  EXPECT_EQ(warnings_of("fqdncache_size 1024").size(), 1u);
  EXPECT_EQ(warnings_of("cache_swap_log /var/spool/squid/swap.state").size(), 1u) << "squid's other name";
}

// --- Protective ----------------------------------------------------------------------

TEST(DirectiveFates, AProtectiveDirectiveIsRefusedWithItsLineAndWhy) {
  EXPECT_EQ(error_of("allow_underscore off"),
            "test.conf:2: 'allow_underscore' with 'off', refuses host names containing '_' (when check_hostnames is "
            "on); cuttle does not implement it yet and will not run without it (see docs/configuration.md); "
            "'allow_underscore on' is accepted");
  for (const char* line : {"response_delay_pool_access slow allow all", "chroot /srv/jail",
                           "client_ip_max_connections 5", "uri_whitespace deny", "http_access2 allow all"}) {
    const auto error = error_of(line);
    const std::string name(line, std::string_view(line).find(' '));
    EXPECT_EQ(error.rfind("test.conf:2: '" + name + "' ", 0), 0u) << line << ": " << error;
  }
}

TEST(DirectiveFates, AProtectiveDirectiveWhoseValueTurnsItOffIsAcceptedSilently) {
  for (const char* line : {"allow_underscore on", "uri_whitespace strip", "check_hostnames off", "delay_pools 0",
                           "collapsed_forwarding_access allow all", "auth_schemes ALL all",
                           "client_netmask no_addr", "proxy_protocol_access deny all"})
    EXPECT_EQ(warnings_of(line), std::vector<std::string>{}) << line;
}

TEST(DirectiveFates, AValueThatLoosensInsteadIsAWarning) {
  EXPECT_EQ(warnings_of("uri_whitespace encode"),
            std::vector<std::string>{"test.conf:2: warning: 'uri_whitespace' is a Squid directive that cuttle does "
                                     "not implement; ignored (squid: decides what becomes of request URIs with "
                                     "whitespace ('deny' refuses them; cuttle answers them 400))"});
}

// --- AbsentFeature -------------------------------------------------------------------

TEST(DirectiveFates, ALineThatTurnsOnAFeatureCuttleHasNotIsRefused) {
  EXPECT_EQ(error_of("htcp_port 4827"),
            "test.conf:2: 'htcp_port': cuttle has no HTCP (it opens a port answering peers' HTCP queries and purges); "
            "'htcp_port 0' is accepted");
  for (const char* line : {"snmp_port 3401", "ftp_port 21", "wccp2_router 10.0.0.1", "icap_enable on",
                           "ecap_enable on", "esi_parser libxml2", "announce_period 1 day",
                           "icap_access allow all", "loadable_modules /usr/lib/ecap.so", "mcast_groups 224.9.9.9"}) {
    const auto error = error_of(line);
    EXPECT_NE(error.find("': cuttle has no "), std::string::npos) << line << ": " << error;
  }
}

TEST(DirectiveFates, ALineThatTurnsAFeatureOffIsAcceptedSilently) {
  for (const char* line : {"htcp_port 0", "snmp_port 0", "icap_enable off", "announce_period 0",
                           "wccp_router any_addr", "digest_generation off", "pinger_enable off", "netdb_filename none",
                           "ssl_bump splice all", "ident_lookup_access deny all", "icap_log none"})
    EXPECT_EQ(warnings_of(line), std::vector<std::string>{}) << line;
}

TEST(DirectiveFates, ATuningOfAFeatureCuttleHasNotIsListedAsHavingNoEffect) {
  EXPECT_EQ(warnings_of("icap_preview_size 1024"),
            std::vector<std::string>{"test.conf:2: warning: 'icap_preview_size' has no effect in cuttle: ICAP is not "
                                     "enabled (cuttle has no ICAP)"});
  for (const char* line : {"snmp_access allow all", "htcp_access allow all", "wccp2_service standard 0",
                           "digest_generation on", "icap_service svc reqmod_precache icap://127.0.0.1:1344/x"})
    EXPECT_EQ(warnings_of(line).size(), 1u) << line;
}

// --- Behaviour -----------------------------------------------------------------------

TEST(DirectiveFates, ABehaviourNotImplementedIsAWarningThatSaysWhatDiffers) {
  EXPECT_EQ(warnings_of("connect_retries 3"),
            std::vector<std::string>{"test.conf:2: warning: 'connect_retries' is a Squid directive that cuttle does "
                                     "not implement; ignored (squid: opens a failed server connection again, up to "
                                     "this many times)"});
  EXPECT_EQ(warnings_of("forward_max_tries 10").size(), 1u);
  EXPECT_EQ(warnings_of("qos_flows tos local-hit=0x30").size(), 1u);
}

TEST(DirectiveFates, ABehaviourAtSquidsDefaultIsAcceptedSilently) {
  for (const char* line : {"connect_retries 0", "forward_max_tries 25", "read_ahead_gap 16 KB", "pipeline_prefetch 0",
                           "hosts_file /etc/hosts", "minimum_expiry_time 60"})
    EXPECT_EQ(warnings_of(line), std::vector<std::string>{}) << line;
}

// --- Obsolete ------------------------------------------------------------------------

TEST(DirectiveFates, AnObsoleteDirectiveGetsSquidsOwnMessageAndIsIgnored) {
  EXPECT_EQ(warnings_of("dns_v4_first on"),
            (std::vector<std::string>{
                "test.conf:2: warning: ERROR: Directive 'dns_v4_first' is obsolete.",
                "test.conf:2: warning: dns_v4_first : Remove this line. Squid no longer supports preferential "
                "treatment of DNS A records."}));
  EXPECT_EQ(warnings_of("zero_buffers on"),
            std::vector<std::string>{"test.conf:2: warning: ERROR: Directive 'zero_buffers' is obsolete."});
  // Squid names the line as written.
  EXPECT_EQ(warnings_of("referrer_log /var/log/referer.log")[1],
            "test.conf:2: warning: referrer_log : Replace this with an access_log directive using the format "
            "'referrer'.");
  // Obsolete in squid 5.7, which ignores them: so does cuttle.
  EXPECT_EQ(warnings_of("chunked_request_body_max_size 64 KB").size(), 2u);
  EXPECT_EQ(warnings_of("cache_peer_domain peer1 .example.com").size(), 2u);
}

TEST(DirectiveFates, AnObsoleteDirectiveSquidRefusesIsRefused) {
  EXPECT_EQ(error_of("log_access allow all"),
            "test.conf:2: 'log_access' is obsolete (squid 5.7: Remove this line. Use acls with access_log directives "
            "to control access logging), and squid 5.7 refuses the file too (\"FATAL: Bungled\")");
  EXPECT_NE(error_of("log_icap allow all"), "");
}

TEST(DirectiveFates, IgnoreImsOnMissIsReadAsTheOppositeCacheMissRevalidate) {
  auto warnings = warnings_of("ignore_ims_on_miss on");
  ASSERT_EQ(warnings.size(), 3u);
  EXPECT_EQ(warnings[0], "test.conf:2: warning: ERROR: Directive 'ignore_ims_on_miss' is obsolete.");
  EXPECT_TRUE(warnings[2].starts_with("test.conf:2: warning: 'cache_miss_revalidate' is a Squid directive")) << warnings[2];
  EXPECT_EQ(warnings_of("ignore_ims_on_miss off").size(), 2u) << "cache_miss_revalidate on is squid's default";
  EXPECT_EQ(error_of("ignore_ims_on_miss maybe"), "test.conf:2: ignore_ims_on_miss: expected 'on' or 'off', got 'maybe'");
}

TEST(DirectiveFates, SslproxyCafileIsReadAsTlsOutgoingOptionsCafile) {
  auto loaded = parse("sslproxy_cafile /etc/ssl/extra.pem");
  EXPECT_EQ(loaded.config->tls_outgoing_cafiles, std::vector<std::string>{"/etc/ssl/extra.pem"});
  EXPECT_EQ(loaded.warnings.size(), 2u);
  EXPECT_EQ(error_of("sslproxy_cafile"), "test.conf:2: sslproxy_cafile: missing value");
}

TEST(DirectiveFates, OtherSslproxyDirectivesAreRefusedSayingWhy) {
  EXPECT_NE(error_of("sslproxy_cipher HIGH:!aNULL").find("restricts the ciphers of outgoing TLS"), std::string::npos);
  EXPECT_NE(error_of("sslproxy_options NO_TLSv1").find("restrict outgoing TLS"), std::string::npos);
  EXPECT_NE(error_of("sslproxy_version 4").find("restricts the TLS versions"), std::string::npos);
  EXPECT_NE(error_of("sslproxy_flags NO_DEFAULT_CA").find("trusts"), std::string::npos);
  EXPECT_NE(error_of("sslproxy_capath /etc/ssl/certs").find("fails closed"), std::string::npos);
  EXPECT_NE(error_of("sslproxy_client_certificate /c.pem").find("fails closed"), std::string::npos);
  EXPECT_NE(error_of("sslproxy_client_key /k.pem").find("fails closed"), std::string::npos);
}

// --- docs ------------------------------------------------------------------------------
// A row whose directive cuttle now implements is never reached (its handler is
// found first); its directive is documented with the implemented ones.

std::string configuration_doc() {
  std::ifstream in(std::string(CUTTLE_SOURCE_DIR) + "/docs/configuration.md");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(DirectiveFates, DocsListEveryDirectiveWithNoEffectAndItsReason) {
  const auto doc = configuration_doc();
  for (const auto& fate : directive_fates()) {
    if (fate.fate != Fate::NoEffect || find_directive(fate.name)) continue;
    const auto row = "| `" + std::string(fate.name) + "` | " + std::string(fate.why) + " |";
    EXPECT_NE(doc.find(row), std::string::npos) << "docs/configuration.md lacks the row " << row;
  }
}

TEST(DirectiveFates, DocsNameEveryOtherDirectiveCuttleDoesNotImplement) {
  const auto doc = configuration_doc();
  for (const auto& fate : directive_fates()) {
    if (find_directive(fate.name)) continue;
    EXPECT_NE(doc.find("`" + std::string(fate.name) + "`"), std::string::npos) << fate.name;
  }
}

}  // namespace directive_fates_test
}  // namespace cuttle
