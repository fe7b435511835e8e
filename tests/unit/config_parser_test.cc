// squid.conf grammar and the directives cuttle implements: every error names
// file:line, Squid directives cuttle ignores warn, everything else is an error.
#include "proxy/app/default_config.h"
#include "proxy/config/access_log_selection.h"
#include "proxy/config/config_parser.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace cuttle {
namespace config_parser_test {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

constexpr std::string_view kPort = "http_port 3128\n";

LoadedConfig parse(std::string_view text) { return load_config_text(text, "test.conf"); }

// The message of the ConfigError that parsing `text` throws ("" when none does).
std::string error_of(std::string_view text, const std::string& base_dir = ".") {
  try {
    load_config_text(text, "test.conf", base_dir);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

std::string file_error_of(const fs::path& path) {
  try {
    load_config_file(path.string());
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

// A fresh directory under the system temp dir, removed with the test.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() /
            ("cuttle-unit-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  fs::path write(const std::string& relative, std::string_view text) const {
    auto p = path_ / relative;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p;
  }

 private:
  fs::path path_;
};

// --- the shipped configuration ------------------------------------------------

TEST(ConfigParser, DefaultConfigFileParsesWithoutWarnings) {
  auto loaded = load_config_file(std::string(CUTTLE_SOURCE_DIR) + "/etc/cuttle.conf");
  EXPECT_TRUE(loaded.warnings.empty()) << loaded.warnings.front();
  const Config& c = *loaded.config;
  ASSERT_EQ(c.http_ports.size(), 1u);
  EXPECT_EQ(c.http_ports[0].address, "127.0.0.1");
  EXPECT_EQ(c.http_ports[0].port, 3128);
  EXPECT_FALSE(c.http_ports[0].accel);
  ASSERT_EQ(c.cache_dirs.size(), 1u);
  EXPECT_EQ(c.cache_dirs[0].type, "lmdb");
  EXPECT_EQ(c.cache_dirs[0].path, "var/cache");
  EXPECT_EQ(c.cache_dirs[0].store_path, "var/cache");
  EXPECT_EQ(c.cache_dirs[0].max_bytes, 1024ull << 20);
  EXPECT_EQ(c.cache_mem_bytes, 256ull << 20);
  EXPECT_EQ(c.maximum_object_size, 4ull << 20);
  ASSERT_EQ(c.access_logs.size(), 1u);
  EXPECT_EQ(c.access_logs[0].path, "var/logs/access.log");
  EXPECT_EQ(c.pid_filename, "var/cuttle.pid");
  EXPECT_EQ(c.http_access.size(), 7u);
}

TEST(ConfigParser, CompiledInDefaultConfigParsesWithoutWarnings) {
  auto loaded = load_config_text(kDefaultConfig, "(built-in)");
  EXPECT_TRUE(loaded.warnings.empty()) << loaded.warnings.front();
  EXPECT_EQ(loaded.config->http_ports.size(), 1u);
  EXPECT_EQ(loaded.config->http_access.size(), 7u);
}

// --- grammar -------------------------------------------------------------------

TEST(ConfigParser, UnknownDirectiveIsAnErrorWithFileAndLine) {
  EXPECT_EQ(error_of("http_port 3128\n\n# comment\nfrobnicate yes\n"), "test.conf:4: unknown directive 'frobnicate'");
}

// Each kind of directive cuttle does not implement: tests/unit/directive_fates_test.cc.
TEST(ConfigParser, SquidDirectiveCuttleDoesNotImplementIsAWarning) {
  auto loaded = parse("http_port 3128\nconnect_retries 2\n");
  ASSERT_EQ(loaded.warnings.size(), 1u);
  EXPECT_TRUE(loaded.warnings[0].starts_with(
      "test.conf:2: warning: 'connect_retries' is a Squid directive that cuttle does not implement; ignored"))
      << loaded.warnings[0];
}

// A directive that restricts, filters or protects is never ignored: until cuttle
// implements it, the file is refused with the line and the reason.
TEST(ConfigParser, AnUnimplementedSquidDirectiveThatRestrictsIsRefusedWithItsReason) {
  EXPECT_EQ(error_of("http_port 3128\nmiss_access deny all\n"),
            "test.conf:2: 'miss_access' decides which clients (e.g. sibling caches) may fetch misses through this "
            "proxy; cuttle does not implement it yet and will not run without it (see docs/configuration.md)");
  for (const char* line : {"store_miss deny all", "icap_enable on", "miss_access deny all",
                           "send_hit deny all", "icap_access allow all", "check_hostnames on", "client_ip_max_connections 10",
                           "relaxed_header_parser off", "client_netmask 255.255.255.0", "collapsed_forwarding_access deny all",
                           "auth_schemes Basic all", "chroot /var/jail", "udp_incoming_address 10.0.0.1"}) {
    const auto error = error_of(std::string("http_port 3128\n") + line + "\n");
    EXPECT_EQ(error.rfind("test.conf:2: '", 0), 0u) << line << ": " << error;
  }
}

TEST(ConfigParser, ReplyBodyMaxSizeLinesAsSquidReadsThem) {
  auto c = parse("http_port 3128\nacl big urlpath_regex ^/big\nreply_body_max_size none big\n"
                 "reply_body_max_size 10 MB !big\nreply_body_max_size 2000\n").config;
  ASSERT_EQ(c->reply_body_max_size.size(), 3u);
  EXPECT_FALSE(c->reply_body_max_size[0].bytes);
  EXPECT_EQ(c->reply_body_max_size[1].bytes, 10ull << 20);
  EXPECT_TRUE(c->reply_body_max_size[1].acls.acls[0].negated);
  EXPECT_EQ(c->reply_body_max_size[2].bytes, 2000u);
  EXPECT_EQ(error_of("http_port 3128\nreply_body_max_size 1 MB nosuch\n"),
            "test.conf:2: reply_body_max_size: no ACL named 'nosuch'");
}

TEST(ConfigParser, HeaderAdditionsAreLiteralOrFormattedAndNameAField) {
  auto c = parse("http_port 3128\nacl a src 10.0.0.0/8\nrequest_header_add X-A plain a\n"
                 "reply_header_add X-B \"from %>a\"\n").config;
  ASSERT_EQ(c->request_header_additions.size(), 1u);
  EXPECT_EQ(c->request_header_additions[0].literal, "plain");
  EXPECT_FALSE(c->request_header_additions[0].format);
  EXPECT_EQ(c->request_header_additions[0].acls.acls.size(), 1u);
  ASSERT_EQ(c->reply_header_additions.size(), 1u);
  EXPECT_TRUE(c->reply_header_additions[0].format);
  EXPECT_EQ(error_of("http_port 3128\nrequest_header_add X:Y v\n"),
            "test.conf:2: request_header_add: 'X:Y' is not a header field name");
  EXPECT_EQ(error_of("http_port 3128\nrequest_header_add X-Y \"%ssl::>cert_issuer\"\n").rfind("test.conf:2: ", 0), 0u);
}

// Such a line changes nothing, in squid as in cuttle.
TEST(ConfigParser, AValueThatTurnsARestrictionOffIsAcceptedSilently) {
  for (const char* line : {"delay_pools 0", "icap_enable off", "client_ip_max_connections -1", "check_hostnames off",
                           "host_verify_strict off", "relaxed_header_parser warn", "relaxed_header_parser on",
                           "client_netmask 255.255.255.255", "udp_incoming_address 0.0.0.0"}) {
    auto loaded = parse(std::string("http_port 3128\n") + line + "\n");
    EXPECT_TRUE(loaded.warnings.empty()) << line << ": " << loaded.warnings.front();
  }
}

TEST(ConfigParser, AnOldManagerProtoAclIsIgnoredAsSquid57Does) {
  auto loaded = parse("http_port 3128\nacl manager proto cache_object\nhttp_access allow manager localhost\n");
  ASSERT_EQ(loaded.warnings.size(), 1u);
  EXPECT_EQ(loaded.warnings[0],
            "test.conf:2: warning: UPGRADE: ACL 'manager' is now a built-in ACL. Remove it from your config file.");
  EXPECT_EQ(loaded.config->http_access.size(), 1u);
}

TEST(ConfigParser, CacheAndItsOldNameNoCacheAreOneAccessList) {
  auto loaded = parse("http_port 3128\nacl private urlpath_regex ^/private/\ncache deny private\n"
                      "no_cache allow all\n");
  EXPECT_TRUE(loaded.warnings.empty());
  ASSERT_EQ(loaded.config->cache_access.size(), 2u);
  EXPECT_FALSE(loaded.config->cache_access[0].allow);
  EXPECT_TRUE(loaded.config->cache_access[1].allow);
  EXPECT_EQ(loaded.config->cache_access[1].where, "test.conf:4");
}

TEST(ConfigParser, RefreshPatternsAreReadInOrderWithTheirLocation) {
  auto loaded = parse("http_port 3128\nrefresh_pattern -i \\.jpg$ 1440 50% 10080 ignore-reload\n"
                      "refresh_pattern . 0 20% 4320\n");
  EXPECT_TRUE(loaded.warnings.empty());
  ASSERT_EQ(loaded.config->refresh_patterns.size(), 2u);
  EXPECT_TRUE(loaded.config->refresh_patterns[0].case_insensitive);
  EXPECT_TRUE(loaded.config->refresh_patterns[0].ignore_reload);
  EXPECT_EQ(loaded.config->refresh_patterns[0].where, "test.conf:2");
  EXPECT_EQ(error_of("http_port 3128\nrefresh_pattern . 0 20%\n"),
            "test.conf:2: refresh_pattern: expected [-i] REGEX MIN PERCENT% MAX");
}

TEST(ConfigParser, ARegexTooComplexToCompileIsAnErrorWithFileAndLine) {
  const auto error = error_of("http_port 3128\nrefresh_pattern (/cgi-bin/" + std::string(70, '+') + "|\\?) 0 0% 0\n");
  EXPECT_EQ(error.rfind("test.conf:2: ", 0), 0u) << error;
  EXPECT_NE(error.find("too complex"), std::string::npos) << error;
}

TEST(ConfigParser, DirectiveNamesAreCaseSensitive) {
  EXPECT_EQ(error_of("HTTP_PORT 3128\n"), "test.conf:1: unknown directive 'HTTP_PORT'");
}

TEST(ConfigParser, CommentsAndBlankLinesAreIgnored) {
  auto loaded = parse("# leading comment\n\n   \n\t# indented comment\nhttp_port 3128\n");
  EXPECT_TRUE(loaded.warnings.empty());
  EXPECT_EQ(loaded.config->http_ports.size(), 1u);
}

TEST(ConfigParser, LineOfOtherWhitespaceIsBlank) {
  auto loaded = parse("http_port 3128\n\f\v\n");
  EXPECT_EQ(loaded.config->http_ports.size(), 1u);
}

TEST(ConfigParser, UnquotedHashTokenStartsATrailingComment) {
  auto loaded = parse("http_port 3128 # the usual port\nacl Safe_ports port 80          #http\nvisible_hostname cache1 #name\n");
  EXPECT_TRUE(loaded.warnings.empty());
  EXPECT_EQ(loaded.config->http_ports.size(), 1u);
  EXPECT_EQ(loaded.config->visible_hostname, "cache1");
}

TEST(ConfigParser, HashInsideATokenOrQuotesIsNotAComment) {
  EXPECT_EQ(parse("http_port 3128\nvisible_hostname a#b\n").config->visible_hostname, "a#b");
  EXPECT_EQ(parse("http_port 3128\nvisible_hostname \"#b\"\n").config->visible_hostname, "#b");
}

TEST(ConfigParser, QuotedTokenKeepsSpacesAndEscapes) {
  auto loaded = parse("http_port 3128\nvisible_hostname \"a \\\"b\\\" c\"\n");
  EXPECT_EQ(loaded.config->visible_hostname, "a \"b\" c");
}

TEST(ConfigParser, UnterminatedQuoteIsAnError) {
  EXPECT_EQ(error_of("http_port 3128\nvisible_hostname \"oops\n"), "test.conf:2: unterminated quoted string");
}

TEST(ConfigParser, BackslashContinuesTheDirectiveOnTheNextLine) {
  auto loaded = parse(
      "http_port 3128\n"
      "acl nets src 10.0.0.0/8 \\\n"
      "    192.168.0.0/16\n"
      "http_access allow nets\n");
  RequestFacts facts;
  facts.client = boost::asio::ip::make_address("192.168.4.4");
  EXPECT_EQ(check_access(loaded.config->http_access, facts), AccessDecision::Allow);
  facts.client = boost::asio::ip::make_address("172.16.0.1");
  EXPECT_EQ(check_access(loaded.config->http_access, facts), AccessDecision::Deny);
}

TEST(ConfigParser, ContinuedDirectiveErrorsNameItsFirstLine) {
  EXPECT_EQ(error_of("http_port 3128\ncache_mem \\\n  12 \\\n  lightyears\n"),
            "test.conf:2: cache_mem: unexpected 'lightyears'");
}

TEST(ConfigParser, CrLfLineEndingsAreAccepted) {
  auto loaded = parse("http_port 3128\r\nvisible_hostname cache1\r\n");
  EXPECT_EQ(loaded.config->visible_hostname, "cache1");
}

TEST(ConfigParser, CommentLineEndingInBackslashDoesNotSwallowTheNextLine) {
  auto loaded = parse("# an old setting: \\\nhttp_port 3128\n");
  EXPECT_EQ(loaded.config->http_ports.size(), 1u);
}

TEST(ConfigParser, CommentLineInsideAContinuationIsSkipped) {
  auto loaded = parse(
      "http_port 3128\n"
      "acl nets src 10.0.0.0/8 \\\n"
      "# the lab network:\n"
      "    192.168.0.0/16\n"
      "http_access allow nets\n");
  RequestFacts facts;
  facts.client = boost::asio::ip::make_address("192.168.4.4");
  EXPECT_EQ(check_access(loaded.config->http_access, facts), AccessDecision::Allow);
}

TEST(ConfigParser, LastLineWithoutNewlineIsParsed) {
  EXPECT_EQ(parse("http_port 3128\nvisible_hostname last").config->visible_hostname, "last");
}

// --- include -----------------------------------------------------------------------

TEST(ConfigParser, IncludeIsRelativeToTheIncludingFile) {
  TempDir dir;
  dir.write("sub/ports.conf", "http_port 3128\ninclude more/names.conf\n");
  dir.write("sub/more/names.conf", "visible_hostname included\n");
  auto main = dir.write("main.conf", "include sub/ports.conf\n");
  auto loaded = load_config_file(main.string());
  EXPECT_EQ(loaded.config->http_ports.size(), 1u);
  EXPECT_EQ(loaded.config->visible_hostname, "included");
}

TEST(ConfigParser, IncludeFromTextResolvesAgainstTheBaseDirectory) {
  TempDir dir;
  dir.write("ports.conf", "http_port 3128\n");
  auto loaded = load_config_text("include ports.conf\n", "text", dir.path().string());
  EXPECT_EQ(loaded.config->http_ports.size(), 1u);
}

TEST(ConfigParser, IncludeGlobReadsEveryMatchInNameOrder) {
  TempDir dir;
  dir.write("conf.d/20-second.conf", "cache_mem 2 MB\n");
  dir.write("conf.d/10-first.conf", "http_port 3128\ncache_mem 1 MB\n");
  dir.write("conf.d/notes.txt", "this is not squid.conf syntax\n");
  auto main = dir.write("main.conf", "include conf.d/*.conf\n");
  auto loaded = load_config_file(main.string());
  EXPECT_EQ(loaded.config->http_ports.size(), 1u);
  EXPECT_EQ(loaded.config->cache_mem_bytes, 2ull << 20);  // the later file wins
}

TEST(ConfigParser, IncludeTakesSeveralPatterns) {
  TempDir dir;
  dir.write("a.conf", "http_port 3128\n");
  dir.write("b.conf", "visible_hostname b\n");
  auto loaded = load_config_text("include a.conf b.conf\n", "text", dir.path().string());
  EXPECT_EQ(loaded.config->http_ports.size(), 1u);
  EXPECT_EQ(loaded.config->visible_hostname, "b");
}

TEST(ConfigParser, IncludeOfMissingFileIsAnError) {
  TempDir dir;
  auto main = dir.write("main.conf", "http_port 3128\ninclude missing.conf\n");
  EXPECT_EQ(file_error_of(main), main.string() + ":2: include: no file matches 'missing.conf'");
}

TEST(ConfigParser, IncludeGlobMatchingNothingIsAnError) {
  TempDir dir;
  auto main = dir.write("main.conf", "http_port 3128\ninclude conf.d/*.conf\n");
  EXPECT_EQ(file_error_of(main), main.string() + ":2: include: no file matches 'conf.d/*.conf'");
}

TEST(ConfigParser, IncludeWithoutFileNameIsAnError) {
  EXPECT_EQ(error_of("http_port 3128\ninclude\n"), "test.conf:2: include: missing file name");
}

TEST(ConfigParser, ErrorInIncludedFileNamesThatFileAndLine) {
  TempDir dir;
  auto inner = dir.write("inner.conf", "# one\n# two\nbogus_directive 1\n");
  auto main = dir.write("main.conf", "http_port 3128\ninclude inner.conf\n");
  EXPECT_EQ(file_error_of(main), inner.string() + ":3: unknown directive 'bogus_directive'");
}

TEST(ConfigParser, WarningInIncludedFileNamesThatFileAndLine) {
  TempDir dir;
  auto inner = dir.write("inner.conf", "\nmemory_pools off\n");
  auto main = dir.write("main.conf", "http_port 3128\ninclude inner.conf\n");
  auto loaded = load_config_file(main.string());
  ASSERT_EQ(loaded.warnings.size(), 1u);
  EXPECT_TRUE(loaded.warnings[0].starts_with(inner.string() + ":2: warning: 'memory_pools'")) << loaded.warnings[0];
}

TEST(ConfigParser, IncludesNestSixteenLevelsDeep) {
  TempDir dir;
  // main.conf includes level1.conf, ..., level15.conf includes level16.conf.
  for (int i = 1; i < 16; ++i) dir.write("level" + std::to_string(i) + ".conf", "include level" + std::to_string(i + 1) + ".conf\n");
  dir.write("level16.conf", "http_port 3128\n");
  auto main = dir.write("main.conf", "include level1.conf\n");
  EXPECT_EQ(load_config_file(main.string()).config->http_ports.size(), 1u);
}

TEST(ConfigParser, IncludesNestedSeventeenLevelsDeepAreAnError) {
  TempDir dir;
  for (int i = 1; i < 17; ++i) dir.write("level" + std::to_string(i) + ".conf", "include level" + std::to_string(i + 1) + ".conf\n");
  dir.write("level17.conf", "http_port 3128\n");
  auto main = dir.write("main.conf", "include level1.conf\n");
  EXPECT_EQ(file_error_of(main),
            (dir.path() / "level16.conf").string() + ":1: include: nested more than 16 levels deep");
}

TEST(ConfigParser, SelfIncludeStopsAtTheDepthLimit) {
  TempDir dir;
  auto main = dir.write("loop.conf", "http_port 3128\ninclude loop.conf\n");
  EXPECT_NE(file_error_of(main).find("include: nested more than 16 levels deep"), std::string::npos);
}

TEST(ConfigParser, MissingConfigurationFileIsAnError) {
  TempDir dir;
  auto missing = dir.path() / "nope.conf";
  EXPECT_TRUE(file_error_of(missing).starts_with(missing.string() + ": cannot read configuration file"));
}

// --- http_port -------------------------------------------------------------------------

TEST(ConfigParser, NoHttpPortIsAnError) {
  EXPECT_EQ(error_of("cache_mem 1 MB\n"), "test.conf: no http_port configured: cuttle would not listen anywhere");
}

TEST(ConfigParser, HttpPortAddressForms) {
  auto c = parse("http_port 3128\nhttp_port 127.0.0.1:8080\nhttp_port [::1]:8081\n").config;
  ASSERT_EQ(c->http_ports.size(), 3u);
  EXPECT_EQ(c->http_ports[0].address, "");
  EXPECT_EQ(c->http_ports[0].port, 3128);
  EXPECT_EQ(c->http_ports[1].address, "127.0.0.1");
  EXPECT_EQ(c->http_ports[1].port, 8080);
  EXPECT_EQ(c->http_ports[2].address, "::1");
  EXPECT_EQ(c->http_ports[2].port, 8081);
  EXPECT_EQ(c->http_ports[1].where, "test.conf:2");
}

TEST(ConfigParser, HttpPortRejectsBadAddresses) {
  EXPECT_EQ(error_of("http_port 0\n"), "test.conf:1: http_port: port 0 is not allowed");
  EXPECT_EQ(error_of("http_port 70000\n"), "test.conf:1: http_port must be a port number (0-65535), got '70000'");
  EXPECT_EQ(error_of("http_port localhost:3128\n"), "test.conf:1: http_port: 'localhost' is not an IP address");
  EXPECT_EQ(error_of("http_port [::1]3128\n"), "test.conf:1: http_port: bad address '[::1]3128'");
  EXPECT_EQ(error_of("http_port\n"), "test.conf:1: http_port: missing port");
}

TEST(ConfigParser, DuplicateHttpPortIsAnErrorNamingBothLines) {
  auto message = error_of("http_port 3128\nvisible_hostname x\nhttp_port 3128\n");
  EXPECT_NE(message.find("http_port 3128 is configured twice"), std::string::npos) << message;
  EXPECT_NE(message.find("test.conf:1"), std::string::npos) << message;
  EXPECT_NE(message.find("test.conf:3"), std::string::npos) << message;
}

TEST(ConfigParser, SamePortOnDifferentAddressesIsAllowed) {
  EXPECT_EQ(parse("http_port 127.0.0.1:3128\nhttp_port 127.0.0.2:3128\n").config->http_ports.size(), 2u);
}

TEST(ConfigParser, UnknownHttpPortOptionIsAnError) {
  EXPECT_EQ(error_of("http_port 3128 turbo\n"), "test.conf:1: http_port: unknown option 'turbo'");
}

TEST(ConfigParser, SquidHttpPortOptionCuttleIgnoresIsAWarning) {
  auto loaded = parse("http_port 3128 disable-pmtu-discovery=always\n");
  ASSERT_EQ(loaded.warnings.size(), 1u);
  EXPECT_EQ(loaded.warnings[0],
            "test.conf:1: warning: http_port option 'disable-pmtu-discovery=always' is not implemented by cuttle; "
            "ignored");
}

TEST(ConfigParser, InterceptionNeedsAPortOfItsOwnAsInSquid) {
  for (const std::string option : {"intercept", "transparent"})
    EXPECT_TRUE(parse("http_port 3129 " + option + "\n").config->http_ports.at(0).intercept) << option;
  EXPECT_EQ(error_of("http_port 3129 accel intercept\n"),
            "test.conf:1: http_port: Intercept mode requires its own interception port. It cannot be shared with "
            "other modes. (as squid)");
  EXPECT_EQ(error_of("http_port 3129 transparent accel\n"),
            "test.conf:1: http_port: Accelerator mode requires its own port. It cannot be shared with other modes. "
            "(as squid)");
  EXPECT_TRUE(parse("http_port 3129 tproxy\n").config->http_ports.at(0).tproxy);
  EXPECT_EQ(error_of("http_port 3129 intercept tproxy\n"),
            "test.conf:1: http_port: TPROXY option requires its own interception port. It cannot be shared with "
            "other modes. (as squid)");
  EXPECT_EQ(error_of("http_port 3129 tproxy transparent\n"),
            "test.conf:1: http_port: Intercept mode requires its own interception port. It cannot be shared with "
            "other modes. (as squid)");
}

TEST(ConfigParser, HostVerificationDirectives) {
  auto defaults = parse("http_port 3128\n");
  EXPECT_FALSE(defaults.config->host_verify_strict);
  EXPECT_TRUE(defaults.config->client_dst_passthru);
  auto set = parse("http_port 3128\nhost_verify_strict on\nclient_dst_passthru off\n");
  EXPECT_TRUE(set.config->host_verify_strict);
  EXPECT_FALSE(set.config->client_dst_passthru);
  EXPECT_TRUE(set.warnings.empty());
}

TEST(ConfigParser, AccelOptionsReadInOrderAsInSquid) {
  // defaultsite= needs accel before it; vhost alone is Squid's old way to say accel.
  EXPECT_EQ(error_of("http_port 3128 defaultsite=www.example.com\n"),
            "test.conf:1: http_port: defaultsite option requires the 'accel' mode flag before it");
  EXPECT_EQ(error_of("http_port 3128 defaultsite=www.example.com accel\n"),
            "test.conf:1: http_port: defaultsite option requires the 'accel' mode flag before it");
  auto loaded = parse("http_port 3128 vhost defaultsite=www.example.com\n");
  const auto& port = loaded.config->http_ports.at(0);
  EXPECT_TRUE(port.accel);
  EXPECT_TRUE(port.vhost);
  EXPECT_EQ(port.defaultsite, "www.example.com");
  ASSERT_EQ(loaded.warnings.size(), 1u);
  auto forward = parse("http_port 3128 no-vhost\n");
  EXPECT_FALSE(forward.config->http_ports.at(0).accel);
  EXPECT_EQ(forward.warnings.size(), 1u);
}

TEST(ConfigParser, OldNamesSquid57StillReads) {
  auto c = parse("ascii_port 3128\ncache_access_log /tmp/a.log\npconn_timeout 7 seconds\n"
                 "persistent_request_timeout 9 seconds\nudp_port 3130\n"
                 "request_header_access User-Agent deny all\nheader_replace User-Agent X\n"
                 "refresh_pattern . 0 20% 60 ignore-no-cache ignore-auth ignore-must-revalidate negative-ttl=5\n");
  EXPECT_EQ(c.config->http_ports.at(0).port, 3128);
  EXPECT_EQ(c.config->access_logs.at(0).path, "/tmp/a.log");
  EXPECT_EQ(c.config->server_idle_pconn_timeout, std::chrono::seconds(7));
  EXPECT_EQ(c.config->client_idle_pconn_timeout, std::chrono::seconds(9));
  EXPECT_EQ(c.config->icp.port, 3130);
  EXPECT_EQ(c.config->refresh_patterns.size(), 1u);
  EXPECT_EQ(c.warnings.size(), 4u);  // each refresh_pattern option, as squid logs them
}

TEST(ConfigParser, EmptyDefaultsiteIsAnError) {
  EXPECT_EQ(error_of("http_port 80 accel defaultsite=\n"), "test.conf:1: http_port: defaultsite= needs a host name");
}

TEST(ConfigParser, AccelAloneUsesTheHostHeader) {
  auto port = parse("http_port 80 accel\n").config->http_ports.at(0);
  EXPECT_TRUE(port.accel);
  EXPECT_TRUE(port.vhost);
  EXPECT_EQ(port.defaultsite, "");
}

// Squid's `accel` sets vhost; defaultsite= only names the site for requests
// without a Host header. no-vhost is how to always use defaultsite=.
TEST(ConfigParser, AccelWithDefaultsiteStillUsesTheHostHeader) {
  auto port = parse("http_port 80 accel defaultsite=www.example.com\n").config->http_ports.at(0);
  EXPECT_TRUE(port.accel);
  EXPECT_TRUE(port.vhost);
  EXPECT_EQ(port.defaultsite, "www.example.com");
}

TEST(ConfigParser, NoVhostTurnsHostHeaderUseOff) {
  auto port = parse("http_port 80 accel defaultsite=www.example.com no-vhost\n").config->http_ports.at(0);
  EXPECT_TRUE(port.accel);
  EXPECT_FALSE(port.vhost);
}

// --- sizes and times ----------------------------------------------------------------

TEST(ConfigParser, SizesTakeUnitsJoinedOrSeparate) {
  auto c = parse("http_port 3128\ncache_mem 64MB\nmaximum_object_size 1.5 MB\nrequest_header_max_size 2 KB\n"
                 "reply_header_max_size 100 bytes\n")
               .config;
  EXPECT_EQ(c->cache_mem_bytes, 64ull << 20);
  EXPECT_EQ(c->maximum_object_size, 1572864u);
  EXPECT_EQ(c->request_header_max_size, 2048u);
  EXPECT_EQ(c->reply_header_max_size, 100u);
  EXPECT_EQ(parse("http_port 3128\ncache_mem 1 gb\n").config->cache_mem_bytes, 1ull << 30);
  EXPECT_EQ(parse("http_port 3128\ncache_mem 3 KiB\n").config->cache_mem_bytes, 3072u);
}

TEST(ConfigParser, SizesWithoutUnitAreBytesWithSquidsWarning) {
  // squid 5.7: "WARNING: No units on 'cache_mem 100', assuming 100.00 bytes".
  auto loaded = parse("http_port 3128\ncache_mem 100\nmaximum_object_size 100\n");
  EXPECT_EQ(loaded.config->cache_mem_bytes, 100u);
  EXPECT_EQ(loaded.config->maximum_object_size, 100u);
  EXPECT_EQ(loaded.warnings.size(), 2u);
}

TEST(ConfigParser, BadSizeUnitIsAnError) {
  EXPECT_EQ(error_of("http_port 3128\ncache_mem 12XB\n"),
            "test.conf:2: cache_mem: unknown size unit 'XB' (use bytes, KB, MB or GB)");
  EXPECT_EQ(error_of("http_port 3128\ncache_mem 12 parsecs\n"), "test.conf:2: cache_mem: unexpected 'parsecs'");
}

TEST(ConfigParser, SizeThatIsNotANumberIsAnErrorNamingIt) {
  EXPECT_EQ(error_of("http_port 3128\ncache_mem lots\n"), "test.conf:2: cache_mem: expected a number, got 'lots'");
  EXPECT_EQ(error_of("http_port 3128\ncache_mem -5 MB\n"), "test.conf:2: cache_mem: expected a number, got '-5'");
  EXPECT_EQ(error_of("http_port 3128\ncache_mem 1.2.3 MB\n"), "test.conf:2: cache_mem: expected a number, got '1.2.3'");
}

TEST(ConfigParser, MissingSizeIsAnError) {
  EXPECT_EQ(error_of("http_port 3128\ncache_mem\n"), "test.conf:2: cache_mem: missing size");
}

TEST(ConfigParser, TooLargeSizeIsAnError) {
  EXPECT_NE(error_of("http_port 3128\ncache_mem 99999999999 GB\n").find("is too large"), std::string::npos);
}

TEST(ConfigParser, TimesTakeSquidUnits) {
  auto c = parse("http_port 3128\nconnect_timeout 30 seconds\nread_timeout 2 minutes\nrequest_timeout 1 hour\n"
                 "client_idle_pconn_timeout 500 ms\nserver_idle_pconn_timeout 1.5 minutes\nshutdown_lifetime 1 day\n")
               .config;
  EXPECT_EQ(c->connect_timeout, milliseconds(30'000));
  EXPECT_EQ(c->read_timeout, milliseconds(120'000));
  EXPECT_EQ(c->request_timeout, milliseconds(3'600'000));
  EXPECT_EQ(c->client_idle_pconn_timeout, milliseconds(500));
  EXPECT_EQ(c->server_idle_pconn_timeout, milliseconds(90'000));
  EXPECT_EQ(c->shutdown_lifetime, milliseconds(86'400'000));
  EXPECT_EQ(parse("http_port 3128\nconnect_timeout 2 weeks\n").config->connect_timeout, milliseconds(1'209'600'000));
  EXPECT_EQ(parse("http_port 3128\nconnect_timeout 1 fortnight\n").config->connect_timeout,
            milliseconds(1'209'600'000));
  EXPECT_EQ(parse("http_port 3128\nconnect_timeout 5MINUTES\n").config->connect_timeout, milliseconds(300'000));
}

TEST(ConfigParser, TimeWithoutUnitIsSeconds) {
  EXPECT_EQ(parse("http_port 3128\nconnect_timeout 7\n").config->connect_timeout, milliseconds(7'000));
}

TEST(ConfigParser, BadTimeUnitIsAnError) {
  EXPECT_EQ(error_of("http_port 3128\nread_timeout 5lightyears\n"),
            "test.conf:2: read_timeout: unknown time unit 'lightyears' (use seconds, minutes, hours, ...)");
  EXPECT_EQ(error_of("http_port 3128\nread_timeout soon\n"), "test.conf:2: read_timeout: expected a number, got 'soon'");
  EXPECT_EQ(error_of("http_port 3128\nread_timeout 5 seconds later\n"), "test.conf:2: read_timeout: unexpected 'later'");
}

// --- other directives -----------------------------------------------------------------

TEST(ConfigParser, CacheDirLmdbTakesPathAndMegabytes) {
  auto c = parse("http_port 3128\ncache_dir lmdb /var/cache/cuttle 2048\n").config;
  ASSERT_EQ(c->cache_dirs.size(), 1u);
  EXPECT_EQ(c->cache_dirs[0].path, "/var/cache/cuttle");
  EXPECT_EQ(c->cache_dirs[0].store_path, "/var/cache/cuttle");
  EXPECT_EQ(c->cache_dirs[0].max_bytes, 2048ull << 20);
}

TEST(ConfigParser, CacheDirSquidTypesAreLmdbStoresInASubdirectory) {
  auto loaded = parse("http_port 3128\ncache_dir ufs /var/spool/squid 100 16 256\n"
                      "cache_dir aufs /a 200 16 256 min-size=32769\ncache_dir diskd /d 300 16 256 Q1=64 Q2=72\n"
                      "cache_dir rock /r 400 max-size=32768 slot-size=16384 swap-timeout=300 max-swap-rate=200\n"
                      "cache_dir ufs /ro 10 16 256 read-only\n");
  const auto& dirs = loaded.config->cache_dirs;
  ASSERT_EQ(dirs.size(), 5u);
  EXPECT_EQ(dirs[0].type, "ufs");
  EXPECT_EQ(dirs[0].store_path, "/var/spool/squid/cuttle-lmdb");
  EXPECT_EQ(dirs[0].max_bytes, 100ull << 20);
  EXPECT_FALSE(dirs[0].min_object_size);
  EXPECT_FALSE(dirs[0].max_object_size);
  EXPECT_EQ(dirs[1].min_object_size, 32769u);
  EXPECT_EQ(dirs[2].store_path, "/d/cuttle-lmdb");
  EXPECT_EQ(dirs[3].max_object_size, 32768u);
  EXPECT_TRUE(dirs[4].no_store);
  // Q1, Q2, slot-size, swap-timeout, max-swap-rate: no effect; read-only: Squid's upgrade note.
  EXPECT_EQ(loaded.warnings.size(), 6u);
}

TEST(ConfigParser, CacheDirNullAddsNoStore) {
  auto loaded = parse("http_port 3128\ncache_dir null /tmp\n");
  EXPECT_TRUE(loaded.config->cache_dirs.empty());
  ASSERT_EQ(loaded.warnings.size(), 1u);
  EXPECT_EQ(parse("http_port 3128\ncache_dir rock /r 0\n").config->cache_dirs.size(), 0u);
}

TEST(ConfigParser, CacheDirErrors) {
  EXPECT_EQ(error_of("http_port 3128\ncache_dir lmdb /c\n"), "test.conf:2: cache_dir: missing size in MB");
  EXPECT_EQ(error_of("http_port 3128\ncache_dir lmdb /c 0\n"),
            "test.conf:2: cache_dir: size in MB must be between 1 and 1073741824, got 0");
  EXPECT_EQ(error_of("http_port 3128\ncache_dir lmdb /c big\n"),
            "test.conf:2: cache_dir: size in MB must be a whole number, got 'big'");
  EXPECT_EQ(error_of("http_port 3128\ncache_dir ufs /c 100\n"),
            "test.conf:2: cache_dir: missing number of level-1 directories");
  EXPECT_EQ(error_of("http_port 3128\ncache_dir ufs /c 100 16 0\n"),
            "test.conf:2: cache_dir: number of level-2 directories must be between 1 and 1073741824, got 0");
  EXPECT_EQ(error_of("http_port 3128\ncache_dir lmdb /c 100 16 256\n"),
            "test.conf:2: cache_dir: unknown option '16' for a lmdb cache_dir");
  EXPECT_EQ(error_of("http_port 3128\ncache_dir ufs /c 100 16 256 Q1=4\n"),
            "test.conf:2: cache_dir: unknown option 'Q1=4' for a ufs cache_dir");
  EXPECT_EQ(error_of("http_port 3128\ncache_dir coss /c 100\n"),
            "test.conf:2: cache_dir: unknown store type 'coss' (cuttle takes Squid's ufs, aufs, diskd, rock and null, and lmdb)");
  EXPECT_EQ(error_of("http_port 3128\ncache_dir lmdb /c 10\ncache_dir lmdb /c 10\n"),
            "test.conf:3: cache_dir: /c is already the directory of test.conf:2");
}

TEST(ConfigParser, SizesWithoutAUnitAreBytesAsInSquid) {
  auto loaded = parse("http_port 3128\nmaximum_object_size 1000\nminimum_object_size 2 KB\ncache_mem 64 MB\n");
  EXPECT_EQ(loaded.config->maximum_object_size, 1000u);
  EXPECT_EQ(loaded.config->minimum_object_size, 2048u);
  EXPECT_EQ(loaded.config->cache_mem_bytes, 64ull << 20);
  ASSERT_EQ(loaded.warnings.size(), 1u);
  EXPECT_EQ(loaded.warnings[0], "test.conf:2: warning: no units on 'maximum_object_size', assuming 1000 bytes (as Squid)");
}

TEST(ConfigParser, AccessLogForms) {
  auto c = parse("http_port 3128\naccess_log stdio:/var/log/a.log squid\naccess_log daemon:/var/log/b.log\n"
                 "access_log /var/log/c.log logformat=squid\n")
               .config;
  ASSERT_EQ(c->access_logs.size(), 3u);
  // The destination as written: log_destination_spec.h reads the module from it.
  EXPECT_EQ(c->access_logs[0].path, "stdio:/var/log/a.log");
  EXPECT_EQ(c->access_logs[1].path, "daemon:/var/log/b.log");
  EXPECT_EQ(c->access_logs[2].path, "/var/log/c.log");
  // As Squid: `none` is a line of its own, which ends the walk for what it matches.
  const auto with_none = parse("http_port 3128\naccess_log /x.log\naccess_log none\n").config;
  EXPECT_EQ(access_log_paths(with_none->access_logs), (std::vector<std::string>{"/x.log"}));
}

// Squid's accessLogLog: lines in order; a line applies when all its ACLs match;
// a matching `none` ends the walk.
TEST(ConfigParser, AccessLogLinesSelectFilesByTheirAcls) {
  auto c = parse("http_port 3128\nacl private urlpath_regex ^/private\nacl quiet urlpath_regex ^/quiet\n"
                 "access_log /a.log !private\naccess_log none quiet\naccess_log /b.log\n")
               .config;
  EXPECT_TRUE(access_logs_select(c->access_logs));
  RequestFacts facts;
  facts.method = "GET";
  auto files_for = [&](const char* path) {
    facts.path = path;
    return access_log_files(c->access_logs, facts);
  };
  EXPECT_EQ(files_for("/public"), 0b11u);
  EXPECT_EQ(files_for("/private/x"), 0b10u);
  EXPECT_EQ(files_for("/quiet/y"), 0b01u);
  EXPECT_FALSE(access_logs_select(parse("http_port 3128\naccess_log /a.log\n").config->access_logs));
  EXPECT_EQ(error_of("http_port 3128\naccess_log /a.log nosuch\n"), "test.conf:2: access_log: no ACL named 'nosuch'");
}

TEST(ConfigParser, AccessLogErrors) {
  EXPECT_EQ(error_of("http_port 3128\naccess_log udp://10.0.0.1\n"), "");  // port 0, as squid takes it
  EXPECT_EQ(error_of("http_port 3128\naccess_log udp://10.0.0.1:x\n"),
            "test.conf:2: access_log: log destination 'udp://10.0.0.1:x': no digits in the port 'x'");
  EXPECT_EQ(error_of("http_port 3128\naccess_log tcp://10.0.0.1:70000\n"),
            "test.conf:2: access_log: log destination 'tcp://10.0.0.1:70000': the port '70000' is out of range");
  EXPECT_EQ(error_of("http_port 3128\naccess_log stdio:\n"),
            "test.conf:2: access_log: log destination 'stdio:': missing file name");
  EXPECT_EQ(error_of("http_port 3128\naccess_log daemon:\n"),
            "test.conf:2: access_log: log destination 'daemon:': missing file name");
  EXPECT_EQ(error_of("http_port 3128\naccess_log /x.log buffer-size=64\n"),
            "test.conf:2: access_log: unknown bytes unit in 'buffer-size=64' (bytes, KB, MB or GB)");
  EXPECT_EQ(error_of("http_port 3128\naccess_log /x.log buffer-size=KB\n"),
            "test.conf:2: access_log: no digits in 'buffer-size=KB'");
  EXPECT_EQ(error_of("http_port 3128\naccess_log /x.log buffer-size=4GB\n"),
            "test.conf:2: access_log: 'buffer-size=4GB' is too large");
  EXPECT_EQ(error_of("http_port 3128\naccess_log /x.log on-error=ignore\n"),
            "test.conf:2: access_log: unknown value for on-error 'on-error=ignore', expected 'drop' or 'die'");
  EXPECT_EQ(error_of("http_port 3128\naccess_log /x.log logformat=nosuch\n"),
            "test.conf:2: access_log: log format 'nosuch' is not defined");
  EXPECT_EQ(error_of("http_port 3128\naccess_log /x.log logformat=common logformat=squid\n"),
            "test.conf:2: access_log: a second log format in one line: logformat=squid");
  EXPECT_EQ(error_of("http_port 3128\naccess_log /x.log colour=blue\n"),
            "test.conf:2: access_log: unknown option 'colour=blue'");
  EXPECT_EQ(error_of("http_port 3128\nlogformat x %>a %<rm\n"),
            "test.conf:2: logformat x: cuttle cannot fill in the code '%<rm' yet (docs/configuration.md lists the "
            "codes it can)");
  EXPECT_EQ(error_of("http_port 3128\naccess_log /x.log no_such_acl\n"),
            "test.conf:2: access_log: no ACL named 'no_such_acl'");
}

// squid's parse_access_log: buffer-size= (a unit required, matched by its
// start), on-error= (die, drop: matched by their start); logfile_daemon.
TEST(ConfigParser, AccessLogModuleOptionsAsSquidReadsThem) {
  auto loaded = parse("http_port 3128\nlogfile_daemon /opt/my_daemon\n"
                      "access_log tcp://127.0.0.1:5000 buffer-size=128KB on-error=drop\n"
                      "access_log udp://127.0.0.1:5001 buffer-size=0bytes on-error=DIEnow\n"
                      "access_log daemon:/var/log/x.log buffer-size=1mbyte\n");
  const auto& logs = loaded.config->access_logs;
  ASSERT_EQ(logs.size(), 3u);
  EXPECT_EQ(logs[0].buffer_size, 128u * 1024);
  EXPECT_FALSE(logs[0].die_on_error);
  EXPECT_EQ(logs[1].buffer_size, 0u);
  EXPECT_TRUE(logs[1].die_on_error);
  EXPECT_EQ(logs[2].buffer_size, 1u << 20);
  EXPECT_TRUE(loaded.warnings.empty());
  const auto settings = log_module_settings(*loaded.config);
  EXPECT_EQ(settings.daemon_program, "/opt/my_daemon");
  EXPECT_EQ(settings.daemon_rotate_count, 10);
  EXPECT_EQ(parse(kPort).config->logfile_daemon, "/usr/lib/squid/log_file_daemon");
}

// What squid 5.7 does with a destination that an admin may not expect is said.
TEST(ConfigParser, AccessLogDestinationsSquidReadsSurprisinglyAreWarnedAbout) {
  auto loaded = parse("http_port 3128\naccess_log syslog:local4\naccess_log syslog:local4.err\n"
                      "access_log logs:access.log\naccess_log syslog:local4.info\naccess_log syslog:\n");
  ASSERT_EQ(loaded.warnings.size(), 3u);
  EXPECT_EQ(loaded.warnings[0],
            "test.conf:2: warning: access_log syslog:local4: squid 5.7 reads a syslog place only when it has 7 or "
            "more characters, so 'local4' is ignored and lines are sent as user.info, as squid sends them (write "
            "e.g. 'local4.info')");
  EXPECT_EQ(loaded.warnings[1],
            "test.conf:3: warning: access_log syslog:local4.err: squid 5.7 combines the severity named with its "
            "default (info) bit by bit, so lines are sent as 'debug', as squid sends them");
  EXPECT_EQ(loaded.warnings[2],
            "test.conf:4: warning: access_log logs:access.log: 'logs:access.log' names no log module (stdio, "
            "daemon, syslog, udp, tcp); it is written as a file of that name, as squid writes it");
}

TEST(ConfigParser, AccessLogFormatsByNameAsSquidReadsThem) {
  auto loaded = parse("http_port 3128\nlogformat mine %>a \"%rm\"  %ru\nlogformat squid %>a\n"
                      "access_log /a.log combined localhost\naccess_log /b.log logformat=mine\n"
                      "access_log /c.log mine\naccess_log /d.log squid\n");
  const auto& logs = loaded.config->access_logs;
  ASSERT_EQ(logs.size(), 4u);
  EXPECT_EQ(logs[0].format->kind, LogFormat::Kind::Combined);
  EXPECT_EQ(logs[0].acls.acls.size(), 1u);
  EXPECT_EQ(logs[1].format->name, "mine");
  EXPECT_EQ(logs[2].format, logs[1].format);
  EXPECT_EQ(logs[3].format, nullptr);  // the native format
  EXPECT_EQ(loaded.config->log_request_headers, (std::set<std::string>{"referer", "user-agent"}));
  // The specification is the rest of the line as written, quotes and blanks kept.
  std::string text;
  AccessLogEntry entry;
  entry.client_ip = "10.0.0.1";
  entry.method = "GET";
  entry.url = "http://e/";
  append_formatted(text, *logs[1].format, entry);
  EXPECT_EQ(text, "10.0.0.1 \"GET\"  http://e/");
  ASSERT_EQ(loaded.warnings.size(), 1u);  // redefining squid: ignored, as Squid
}

TEST(ConfigParser, AccessLogTakesAclNamesWithOrWithoutAFormatAsSquidDoes) {
  for (const char* line : {"access_log /x.log localhost\n", "access_log /x.log squid !localhost\n"}) {
    auto loaded = parse(std::string("http_port 3128\n") + line);
    ASSERT_EQ(loaded.config->access_logs.size(), 1u);
    EXPECT_TRUE(loaded.warnings.empty()) << line;
    ASSERT_EQ(loaded.config->access_logs[0].acls.acls.size(), 1u);
    EXPECT_EQ(loaded.config->access_logs[0].acls.acls[0].acl->name(), "localhost");
  }
}

TEST(ConfigParser, SimpleDirectives) {
  auto c = parse("http_port 3128\nvia off\nforwarded_for truncate\nworkers 4\nstrip_query_terms off\n"
                 "pid_filename none\nvisible_hostname cache.example.net\ncache_log /var/log/cuttle.log\n"
                 "tls_outgoing_options cafile=/etc/ca.pem\n")
               .config;
  EXPECT_FALSE(c->via);
  EXPECT_EQ(c->forwarded_for, ForwardedFor::Truncate);
  EXPECT_EQ(c->workers, 4);
  EXPECT_FALSE(c->strip_query_terms);
  EXPECT_EQ(c->pid_filename, "");
  EXPECT_EQ(c->visible_hostname, "cache.example.net");
  EXPECT_EQ(c->cache_log, "/var/log/cuttle.log");
  EXPECT_EQ(c->tls_outgoing_cafiles, std::vector<std::string>{"/etc/ca.pem"});
}

TEST(ConfigParser, DefaultsWhenNothingIsSaid) {
  auto c = parse(kPort).config;
  EXPECT_TRUE(c->via);
  EXPECT_EQ(c->forwarded_for, ForwardedFor::On);
  EXPECT_TRUE(c->strip_query_terms);
  EXPECT_EQ(c->workers, 0);
  EXPECT_TRUE(c->cache_dirs.empty());
  EXPECT_TRUE(c->http_access.empty());
}

TEST(ConfigParser, OnOffAcceptsAnyCaseAndNothingElse) {
  EXPECT_FALSE(parse("http_port 3128\nvia OFF\n").config->via);
  EXPECT_EQ(error_of("http_port 3128\nvia maybe\n"), "test.conf:2: via: expected 'on' or 'off', got 'maybe'");
  EXPECT_EQ(error_of("http_port 3128\nvia\n"), "test.conf:2: via: missing on|off");
}

TEST(ConfigParser, ValueDirectivesRejectExtraTokens) {
  EXPECT_EQ(error_of("http_port 3128\nvisible_hostname a b\n"), "test.conf:2: visible_hostname: unexpected 'b'");
}

TEST(ConfigParser, ForwardedForModes) {
  EXPECT_EQ(parse("http_port 3128\nforwarded_for on\n").config->forwarded_for, ForwardedFor::On);
  EXPECT_EQ(parse("http_port 3128\nforwarded_for off\n").config->forwarded_for, ForwardedFor::Off);
  EXPECT_EQ(parse("http_port 3128\nforwarded_for transparent\n").config->forwarded_for, ForwardedFor::Transparent);
  EXPECT_EQ(parse("http_port 3128\nforwarded_for delete\n").config->forwarded_for, ForwardedFor::Delete);
  EXPECT_EQ(error_of("http_port 3128\nforwarded_for sometimes\n"),
            "test.conf:2: forwarded_for: expected on, off, transparent, delete or truncate, got 'sometimes'");
}

TEST(ConfigParser, WorkersMustBeInRange) {
  EXPECT_EQ(error_of("http_port 3128\nworkers 0\n"),
            "test.conf:2: workers: worker count must be between 1 and 128, got 0");
  EXPECT_EQ(error_of("http_port 3128\nworkers 129\n"),
            "test.conf:2: workers: worker count must be between 1 and 128, got 129");
  EXPECT_EQ(error_of("http_port 3128\nworkers two\n"),
            "test.conf:2: workers: worker count must be a whole number, got 'two'");
}

TEST(ConfigParser, CachePeerOptions) {
  auto c = parse("http_port 3128\n"
                 "cache_peer origin.example parent 8080 0 no-query originserver name=site weight=3 max-conn=10 "
                 "connect-timeout=5 login=PASS forceddomain=www.example tls tls-cafile=/ca.pem\n"
                 "cache_peer 10.0.0.2 sibling 3128 3130 proxy-only no-digest no-delay\n")
               .config;
  ASSERT_EQ(c->cache_peers.size(), 2u);
  const auto& p = c->cache_peers[0];
  EXPECT_EQ(p.host, "origin.example");
  EXPECT_EQ(p.type, "parent");
  EXPECT_EQ(p.http_port, 8080);
  EXPECT_EQ(p.icp_port, 0);
  EXPECT_TRUE(p.no_query);
  EXPECT_TRUE(p.originserver);
  EXPECT_EQ(p.name, "site");
  EXPECT_EQ(p.weight, 3);
  EXPECT_EQ(p.max_conn, 10);
  EXPECT_EQ(p.connect_timeout, std::chrono::milliseconds(5000));
  EXPECT_EQ(p.login, "PASS");
  EXPECT_EQ(p.forceddomain, "www.example");
  EXPECT_TRUE(p.tls);
  EXPECT_EQ(p.tls_cafiles, std::vector<std::string>{"/ca.pem"});
  const auto& s = c->cache_peers[1];
  EXPECT_EQ(s.name, "10.0.0.2");  // name defaults to the host
  EXPECT_EQ(s.icp_port, 3130);
  EXPECT_TRUE(s.proxy_only);
  EXPECT_TRUE(s.no_digest);
  EXPECT_FALSE(s.no_query);
  EXPECT_TRUE(s.no_delay);
  EXPECT_FALSE(p.no_delay);
}

TEST(ConfigParser, CachePeerErrors) {
  EXPECT_EQ(error_of("http_port 3128\ncache_peer p cousin 3128 3130\n"),
            "test.conf:2: cache_peer: type must be parent, sibling or multicast, got 'cousin'");
  EXPECT_EQ(error_of("http_port 3128\ncache_peer p parent 3128\n"), "test.conf:2: cache_peer: missing ICP port");
  EXPECT_EQ(error_of("http_port 3128\ncache_peer p parent 3128 3130 sparkly\n"),
            "test.conf:2: cache_peer: unknown option 'sparkly'");
  EXPECT_EQ(error_of("http_port 3128\ncache_peer p parent 3128 3130 weight=-1\n"),
            "test.conf:2: cache_peer: bad value in 'weight=-1'");
  EXPECT_EQ(error_of("http_port 3128\ncache_peer p parent 3128 3130\ncache_peer p sibling 3129 3131\n"),
            "test.conf:3: cache_peer: another peer is already named 'p' (at test.conf:2); give one a name= option");
  EXPECT_EQ(parse("http_port 3128\ncache_peer p parent 3128 3130\ncache_peer p sibling 3129 3131 name=p2\n")
                .config->cache_peers.size(),
            2u);
}

TEST(ConfigParser, CachePeerSquidOptionCuttleIgnoresIsAWarning) {
  auto loaded = parse("http_port 3128\ncache_peer p parent 3128 3130 background-ping\n");
  ASSERT_EQ(loaded.warnings.size(), 1u);
  EXPECT_EQ(loaded.warnings[0],
            "test.conf:2: warning: cache_peer option 'background-ping' is not implemented by cuttle; ignored");
}

// --- acl and http_access ----------------------------------------------------------------

TEST(ConfigParser, AclRedefinedWithAnotherTypeIsAnError) {
  EXPECT_EQ(error_of("http_port 3128\nacl x src 10.0.0.0/8\nacl x dstdomain .example.com\n"),
            "test.conf:3: acl x: already defined with type 'src'");
}

TEST(ConfigParser, PredefinedAclsCannotChangeType) {
  // As squid 5.7 (its parser self-destructs); `acl manager proto …` is the one
  // exception it ignores (AnOldManagerProtoAclIsIgnoredAsSquid57Does).
  EXPECT_EQ(error_of("http_port 3128\nacl localhost dstdomain .example.com\n"),
            "test.conf:2: acl localhost: already defined with type 'src'");
  EXPECT_EQ(error_of("http_port 3128\nacl manager src 10.0.0.0/8\n"),
            "test.conf:2: acl manager: already defined with type 'url_regex'");
}

TEST(ConfigParser, AclLinesOfOneNameAccumulate) {
  auto c = parse("http_port 3128\nacl nets src 10.0.0.0/8\nacl nets src 192.168.0.0/16\nhttp_access allow nets\n").config;
  RequestFacts facts;
  facts.client = boost::asio::ip::make_address("10.1.1.1");
  EXPECT_EQ(check_access(c->http_access, facts), AccessDecision::Allow);
  facts.client = boost::asio::ip::make_address("192.168.1.1");
  EXPECT_EQ(check_access(c->http_access, facts), AccessDecision::Allow);
}

TEST(ConfigParser, AclErrors) {
  EXPECT_EQ(error_of("http_port 3128\nacl x nosuchtype Mozilla\n"), "test.conf:2: acl x: unknown ACL type 'nosuchtype'");
  EXPECT_EQ(error_of("http_port 3128\nacl x eui64 02:00:00:ff:fe:00:00:01\n"),
            "test.conf:2: acl x: ACL type 'eui64' is not implemented in cuttle yet; it will not run a rule it "
            "cannot check");
  EXPECT_EQ(error_of("http_port 3128\nacl x external group\n"),
            "test.conf:2: acl x: external: unknown external_acl_type 'group'");
  EXPECT_EQ(error_of("http_port 3128\nacl x\n"), "test.conf:2: acl: missing ACL type");
  EXPECT_EQ(error_of("http_port 3128\nacl x src 10.0.0.0/33\n"), "test.conf:2: acl x: bad prefix length in '10.0.0.0/33'");
  EXPECT_EQ(error_of("http_port 3128\nacl x dstdom_regex -z foo\n"),
            "test.conf:2: acl x: unsupported option '-z' for ACL type dstdom_regex");
  EXPECT_NE(error_of("http_port 3128\nacl x url_regex [unclosed\n").find("test.conf:2: acl x: bad regular expression"),
            std::string::npos);
}

TEST(ConfigParser, AclCaseInsensitiveFlag) {
  auto c = parse("http_port 3128\nacl x dstdom_regex -i EXAMPLE\nhttp_access allow x\n").config;
  RequestFacts facts;
  facts.host = "www.example.com";
  EXPECT_EQ(check_access(c->http_access, facts), AccessDecision::Allow);
}

TEST(ConfigParser, QuotedAclValueNamesAFileOfValues) {
  TempDir dir;
  dir.write("blocked.txt", "# blocked sites\n.ads.example\n\n  tracker.example  \n");
  auto c = load_config_text("http_port 3128\nacl blocked dstdomain \"blocked.txt\"\nhttp_access deny blocked\n"
                            "http_access allow all\n",
                            "test.conf", dir.path().string())
               .config;
  RequestFacts facts;
  facts.host = "x.ads.example";
  EXPECT_EQ(check_access(c->http_access, facts), AccessDecision::Deny);
  facts.host = "tracker.example";
  EXPECT_EQ(check_access(c->http_access, facts), AccessDecision::Deny);
  facts.host = "news.example";
  EXPECT_EQ(check_access(c->http_access, facts), AccessDecision::Allow);
}

// Squid 5.7 starts with an ACL that has no values (it warns); the ACL matches nothing.
TEST(ConfigParser, AnAclWithoutValuesIsAWarningAndMatchesNothing) {
  TempDir dir;
  dir.write("empty.txt", "# nothing blocked yet\n\n");
  auto loaded = load_config_text("http_port 3128\nacl blocked src \"empty.txt\"\nacl none dstdomain\n"
                                 "http_access deny blocked\nhttp_access deny none\nhttp_access allow all\n",
                                 "test.conf", dir.path().string());
  ASSERT_EQ(loaded.warnings.size(), 2u);
  EXPECT_EQ(loaded.warnings[0], "test.conf:2: warning: empty ACL: acl blocked src; it matches nothing");
  EXPECT_EQ(loaded.warnings[1], "test.conf:3: warning: empty ACL: acl none dstdomain; it matches nothing");
  RequestFacts facts;
  facts.client = boost::asio::ip::make_address("10.1.1.1");
  facts.host = "example.com";
  EXPECT_EQ(check_access(loaded.config->http_access, facts), AccessDecision::Allow);
}

// Debian's squid.conf uses CONNECT without defining it: Squid 5.7 predefines it.
TEST(ConfigParser, CONNECTIsAPredefinedMethodAcl) {
  auto c = parse("http_port 3128\nhttp_access deny CONNECT\nhttp_access allow all\n").config;
  RequestFacts facts;
  facts.method = "CONNECT";
  EXPECT_EQ(check_access(c->http_access, facts), AccessDecision::Deny);
  facts.method = "GET";
  EXPECT_EQ(check_access(c->http_access, facts), AccessDecision::Allow);
  // Redefining it with the same type adds to it, as in Squid.
  EXPECT_TRUE(parse("http_port 3128\nacl CONNECT method CONNECT\nhttp_access deny CONNECT\n").config);
}

TEST(ConfigParser, MissingAclValueFileIsAnError) {
  TempDir dir;
  auto message = error_of("http_port 3128\nacl blocked dstdomain \"nope.txt\"\n", dir.path().string());
  EXPECT_EQ(message, "test.conf:2: acl: cannot read value file '" + (dir.path() / "nope.txt").string() + "'");
}

TEST(ConfigParser, HttpAccessNamingAnUnknownAclIsAnError) {
  EXPECT_EQ(error_of("http_port 3128\nhttp_access allow nosuch\n"), "test.conf:2: http_access: no ACL named 'nosuch'");
  EXPECT_EQ(error_of("http_port 3128\nhttp_access allow !nosuch\n"), "test.conf:2: http_access: no ACL named 'nosuch'");
}

TEST(ConfigParser, HttpAccessMustUseAnAclDefinedEarlier) {
  EXPECT_EQ(error_of("http_port 3128\nhttp_access allow later\nacl later src 10.0.0.0/8\n"),
            "test.conf:2: http_access: no ACL named 'later'");
}

TEST(ConfigParser, HttpAccessActionMustBeAllowOrDeny) {
  EXPECT_EQ(error_of("http_port 3128\nhttp_access permit all\n"),
            "test.conf:2: http_access: expected 'allow' or 'deny', got 'permit'");
}

TEST(ConfigParser, HttpAccessWithoutAclsIsAnError) {
  // Squid skips such a line; taken as "match everything" it would make an open proxy.
  EXPECT_EQ(error_of("http_port 3128\nhttp_access allow\n"),
            "test.conf:2: http_access: missing ACL name (use 'all' to match every request)");
}

TEST(ConfigParser, HttpAccessRulesKeepOrderNegationAndLocation) {
  auto c = parse("http_port 3128\nacl CONNECT method CONNECT\nhttp_access deny CONNECT !localhost\n"
                 "http_access allow all\n")
               .config;
  ASSERT_EQ(c->http_access.size(), 2u);
  const auto& rule = c->http_access[0];
  EXPECT_FALSE(rule.allow);
  EXPECT_EQ(rule.where, "test.conf:3");
  ASSERT_EQ(rule.acls.size(), 2u);
  EXPECT_EQ(rule.acls[0].acl->name(), "CONNECT");
  EXPECT_FALSE(rule.acls[0].negated);
  EXPECT_EQ(rule.acls[1].acl->name(), "localhost");
  EXPECT_TRUE(rule.acls[1].negated);
  EXPECT_TRUE(c->http_access[1].allow);
}

TEST(IcpConfig, DefaultsAreSquids) {
  auto c = parse(kPort).config;
  EXPECT_EQ(c->icp.port, 0);  // Squid 5.7: "Default: ICP disabled."
  EXPECT_TRUE(c->icp.access.empty());
  EXPECT_FALSE(c->icp.hit_stale);
  EXPECT_TRUE(c->icp.log_queries);
  EXPECT_EQ(c->icp.query_timeout, milliseconds(0));
  EXPECT_EQ(c->icp.maximum_query_timeout, milliseconds(2000));
  EXPECT_EQ(c->icp.minimum_query_timeout, milliseconds(5));
  EXPECT_EQ(c->icp.dead_peer_timeout, milliseconds(10'000));
}

TEST(IcpConfig, DirectivesAreReadWithoutWarnings) {
  auto loaded = parse(
      "http_port 3128\nicp_port 3130\nacl peers src 10.1.0.0/16\nicp_access allow peers\nicp_access deny all\n"
      "icp_hit_stale on\nlog_icp_queries off\nicp_query_timeout 1500\nmaximum_icp_query_timeout 3000\n"
      "minimum_icp_query_timeout 20\ndead_peer_timeout 30\n");
  EXPECT_TRUE(loaded.warnings.empty()) << loaded.warnings[0];
  const auto& icp = loaded.config->icp;
  EXPECT_EQ(icp.port, 3130);
  ASSERT_EQ(icp.access.size(), 2u);
  EXPECT_TRUE(icp.access[0].allow);
  EXPECT_EQ(icp.access[0].acls[0].acl->name(), "peers");
  EXPECT_FALSE(icp.access[1].allow);
  EXPECT_TRUE(loaded.config->http_access.empty()) << "icp_access must not add http_access rules";
  EXPECT_TRUE(icp.hit_stale);
  EXPECT_FALSE(icp.log_queries);
  EXPECT_EQ(icp.query_timeout, milliseconds(1500));  // bare numbers are milliseconds...
  EXPECT_EQ(icp.maximum_query_timeout, milliseconds(3000));
  EXPECT_EQ(icp.minimum_query_timeout, milliseconds(20));
  EXPECT_EQ(icp.dead_peer_timeout, milliseconds(30'000));  // ...except dead_peer_timeout's seconds
}

TEST(IcpConfig, IcpAccessDecidesByTheSenderAddress) {
  auto c = parse("http_port 3128\nacl peers src 10.1.0.0/16\nicp_access allow peers\nicp_access deny all\n").config;
  RequestFacts facts;
  facts.client = boost::asio::ip::make_address("10.1.2.3");
  EXPECT_EQ(check_access(c->icp.access, facts), AccessDecision::Allow);
  facts.client = boost::asio::ip::make_address("10.2.0.1");
  EXPECT_EQ(check_access(c->icp.access, facts), AccessDecision::Deny);
}

TEST(IcpConfig, TimesTakeUnits) {
  auto c = parse("http_port 3128\nicp_query_timeout 2 seconds\ndead_peer_timeout 1 minute\n").config;
  EXPECT_EQ(c->icp.query_timeout, milliseconds(2000));
  EXPECT_EQ(c->icp.dead_peer_timeout, milliseconds(60'000));
}

TEST(IcpConfig, PortZeroTurnsIcpOff) { EXPECT_EQ(parse("http_port 3128\nicp_port 3130\nicp_port 0\n").config->icp.port, 0); }

TEST(IcpConfig, BadValuesAreErrors) {
  EXPECT_EQ(error_of("http_port 3128\nicp_port 70000\n"),
            "test.conf:2: icp_port must be a port number (0-65535), got '70000'");
  EXPECT_EQ(error_of("http_port 3128\nicp_port\n").find("test.conf:2:"), 0u);
  EXPECT_EQ(error_of("http_port 3128\nicp_port 3130 3131\n").find("test.conf:2:"), 0u);
  EXPECT_EQ(error_of("http_port 3128\nicp_access allow nosuch\n"), "test.conf:2: icp_access: no ACL named 'nosuch'");
  EXPECT_EQ(error_of("http_port 3128\nicp_access permit all\n"),
            "test.conf:2: icp_access: expected 'allow' or 'deny', got 'permit'");
  EXPECT_EQ(error_of("http_port 3128\nicp_access allow\n"),
            "test.conf:2: icp_access: missing ACL name (use 'all' to match every request)");
  EXPECT_EQ(error_of("http_port 3128\nicp_hit_stale maybe\n").find("test.conf:2:"), 0u);
  EXPECT_EQ(error_of("http_port 3128\nicp_query_timeout soon\n").find("test.conf:2:"), 0u);
  EXPECT_NE(error_of("http_port 3128\nminimum_icp_query_timeout 3000\nmaximum_icp_query_timeout 2000\n")
                .find("minimum_icp_query_timeout is larger than maximum_icp_query_timeout"),
            std::string::npos);
}

}  // namespace config_parser_test
}  // namespace cuttle

namespace cuttle {
namespace config_parser_test {

LoadedConfig parse_peers(std::string_view text) { return load_config_text(text, "test.conf"); }

std::string peers_error_of(std::string_view text) {
  try {
    load_config_text(text, "test.conf");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(PeerSelectionConfig, DefaultsAreSquids) {
  auto c = parse_peers("http_port 3128\n").config;
  EXPECT_TRUE(c->always_direct.empty());
  EXPECT_TRUE(c->never_direct.empty());
  EXPECT_FALSE(c->prefer_direct);
  EXPECT_TRUE(c->nonhierarchical_direct);
}

TEST(PeerSelectionConfig, DirectivesAreReadWithoutWarnings) {
  auto loaded = parse_peers(
      "http_port 3128\nacl local dstdomain .lan\nalways_direct allow local\nnever_direct allow all\n"
      "prefer_direct on\nnonhierarchical_direct off\n"
      "cache_peer 10.0.0.1 parent 3128 0 no-query name=up\ncache_peer_access up deny local\n"
      "cache_peer_access up allow all\n");
  EXPECT_TRUE(loaded.warnings.empty()) << loaded.warnings[0];
  const auto& c = *loaded.config;
  ASSERT_EQ(c.always_direct.size(), 1u);
  EXPECT_EQ(c.always_direct[0].acls[0].acl->name(), "local");
  ASSERT_EQ(c.never_direct.size(), 1u);
  EXPECT_TRUE(c.never_direct[0].allow);
  EXPECT_TRUE(c.prefer_direct);
  EXPECT_FALSE(c.nonhierarchical_direct);
  ASSERT_EQ(c.cache_peers[0].access.size(), 2u);
  EXPECT_FALSE(c.cache_peers[0].access[0].allow);
  EXPECT_TRUE(c.cache_peers[0].access[1].allow);
  RequestFacts facts;
  facts.host = "printer.lan";
  EXPECT_EQ(check_access(c.cache_peers[0].access, facts), AccessDecision::Deny);
  facts.host = "example.com";
  EXPECT_EQ(check_access(c.cache_peers[0].access, facts), AccessDecision::Allow);
}

TEST(PeerSelectionConfig, CachePeerAccessNeedsAKnownPeerAndAcl) {
  EXPECT_EQ(peers_error_of("http_port 3128\ncache_peer_access nobody allow all\n").find("test.conf:2:"), 0u);
  EXPECT_NE(peers_error_of("http_port 3128\ncache_peer_access nobody allow all\n").find("no cache_peer named"),
            std::string::npos);
  EXPECT_NE(peers_error_of("http_port 3128\ncache_peer h parent 3128 0\ncache_peer_access h allow nosuch\n")
                .find("no ACL named 'nosuch'"),
            std::string::npos);
  EXPECT_NE(peers_error_of("http_port 3128\nnever_direct maybe all\n").find("expected 'allow' or 'deny'"),
            std::string::npos);
}

TEST(PeerSelectionConfig, HierarchyStoplistWarnsAsRemoved) {
  auto loaded = parse_peers("http_port 3128\nhierarchy_stoplist cgi-bin ?\n");
  ASSERT_EQ(loaded.warnings.size(), 1u);
  EXPECT_NE(loaded.warnings[0].find("hierarchy_stoplist was removed"), std::string::npos);
}

}  // namespace config_parser_test
}  // namespace cuttle

namespace cuttle {
namespace config_parser_test {

TEST(ConfigParser, AnHttpPortIsNamedAsWrittenUnlessNameSaysOtherwise) {
  auto c = parse("http_port 127.0.0.1:3128\nhttp_port 3129 name=second\n").config;
  EXPECT_EQ(c->http_ports[0].name, "127.0.0.1:3128");
  EXPECT_EQ(c->http_ports[1].name, "second");
}

TEST(ConfigParser, OldAclTypeNamesAreReadWithSquidsUpgradeNote) {
  auto loaded = parse("http_port 3128\nacl me myip 127.0.0.1\nhttp_access allow me\n");
  EXPECT_EQ(loaded.config->acls.find("me")->type(), "localip");
  ASSERT_FALSE(loaded.warnings.empty());
  EXPECT_NE(loaded.warnings.back().find("UPGRADE: ACL 'myip' type has been renamed to 'localip'"), std::string::npos);
}

TEST(ConfigParser, AclNeedsAreGatheredOnceForEveryRequest) {
  auto c = parse("http_port 3128\nacl k req_header X-Kiosk .\nacl b browser x\nacl m maxconn 3\nhttp_access deny k\n").config;
  EXPECT_EQ(c->acl_needs.request_headers, (std::set<std::string>{"x-kiosk", "user-agent"}));
  EXPECT_TRUE(c->acl_needs.client_connections);
}

}  // namespace config_parser_test
}  // namespace cuttle
