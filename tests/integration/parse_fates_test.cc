// `cuttle -k parse` and squid 5.7's `squid -k parse` on the same files, for the
// Squid directives cuttle does not implement: a file squid accepts is accepted,
// each directive with no effect in cuttle is listed, an obsolete one gets squid's
// own message, one that restricts or turns on a feature cuttle has not refuses
// the file at its line.
#include "tests/support/child_process.h"
#include "tests/support/cuttle_process.h"
#include "tests/support/squid_process.h"
#include "tests/support/temp_dir.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace cuttle::testing {
namespace parse_fates_test {

constexpr const char* kSquid = "/usr/sbin/squid";

struct Parsed {
  CommandResult squid, cuttle;
};

class ParseFates : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!SquidProcess::available()) GTEST_FAIL() << "squid 5.7 is not installed (scripts/install-deps.sh)";
  }

  Parsed parse_both(const std::string& path) const {
    return {run_command({kSquid, "-k", "parse", "-f", path}), run_command({cuttle_binary(), "-k", "parse", "-f", path})};
  }
  Parsed parse_both_text(const std::string& text) const {
    dir_.write("squid.conf", text);
    return parse_both(file());
  }
  std::string file() const { return dir_.file("squid.conf"); }

 private:
  TempDir dir_{"cuttle-parse-fates"};
};

// The lines of `output` containing `text`, squid's "YYYY/MM/DD HH:MM:SS| " cut.
std::vector<std::string> lines_with(const std::string& output, const std::string& text) {
  static const std::regex kSquidStamp("^\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d\\| ");
  std::vector<std::string> lines;
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);)
    if (line.find(text) != std::string::npos) lines.push_back(std::regex_replace(line, kSquidStamp, ""));
  return lines;
}

TEST_F(ParseFates, AFileSquidAcceptsIsAcceptedAndEachLineWithNoEffectIsListed) {
  const auto r = parse_both_text(
      "http_port 3128\nmemory_pools off\nfqdncache_size 2048\nconnect_retries 0\nhtcp_port 0\n"
      "icap_preview_size 1024\nstore_objects_per_bucket 20\n");
  ASSERT_EQ(r.squid.exit_code, 0) << r.squid.output;
  ASSERT_EQ(r.cuttle.exit_code, 0) << r.cuttle.output;
  EXPECT_EQ(lines_with(r.cuttle.output, "has no effect in cuttle"),
            (std::vector<std::string>{
                file() + ":2: warning: 'memory_pools' has no effect in cuttle: it tunes Squid's memory allocator",
                file() + ":3: warning: 'fqdncache_size' has no effect in cuttle: it sizes Squid's reverse-DNS cache; "
                         "cuttle caches names its own way",
                file() + ":6: warning: 'icap_preview_size' has no effect in cuttle: ICAP is not enabled (cuttle has "
                         "no ICAP)",
                file() + ":7: warning: 'store_objects_per_bucket' has no effect in cuttle: it sizes Squid's store "
                         "hash table; LMDB sizes itself"}));
  EXPECT_EQ(lines_with(r.cuttle.output, ": warning: ").size(), 4u) << r.cuttle.output;
  EXPECT_EQ(lines_with(r.cuttle.output, ":4:"), std::vector<std::string>{}) << "squid's default: nothing to say";
  EXPECT_EQ(lines_with(r.cuttle.output, ":5:"), std::vector<std::string>{}) << "turns HTCP off: nothing to say";
}

TEST_F(ParseFates, AnObsoleteDirectiveGetsSquidsOwnMessage) {
  const auto r = parse_both_text("http_port 3128\ndns_v4_first on\nreferrer_log /var/log/squid/referer.log\n");
  ASSERT_EQ(r.squid.exit_code, 0) << r.squid.output;
  ASSERT_EQ(r.cuttle.exit_code, 0) << r.cuttle.output;
  for (const auto& [line, name] : {std::pair{2, "dns_v4_first"}, std::pair{3, "referrer_log"}}) {
    std::vector<std::string> expected;
    for (const auto& said : lines_with(r.squid.output, name))
      if (!said.starts_with("Processing: ")) expected.push_back(file() + ":" + std::to_string(line) + ": warning: " + said);
    ASSERT_EQ(expected.size(), 2u) << r.squid.output;
    EXPECT_EQ(lines_with(r.cuttle.output, name), expected);
  }
}

TEST_F(ParseFates, AnObsoleteDirectiveSquidRefusesIsRefusedByBoth) {
  const auto r = parse_both_text("http_port 3128\nlog_access allow all\n");
  EXPECT_NE(r.squid.exit_code, 0);
  EXPECT_NE(r.squid.output.find("FATAL: Bungled"), std::string::npos) << r.squid.output;
  EXPECT_NE(r.cuttle.exit_code, 0);
  EXPECT_NE(r.cuttle.output.find(file() + ":2: 'log_access' is obsolete"), std::string::npos) << r.cuttle.output;
}

// squid runs these; cuttle, which would run without what they ask for, refuses.
TEST_F(ParseFates, ALineThatRestrictsOrTurnsOnAMissingFeatureIsRefusedAtItsLine) {
  for (const auto& [line, refusal] :
       {std::pair{"uri_whitespace deny", "'uri_whitespace' decides what becomes of request URIs with whitespace"},
        std::pair{"allow_underscore off", "'allow_underscore' with 'off', refuses host names containing '_'"},
        std::pair{"htcp_port 4827", "'htcp_port': cuttle has no HTCP"},
        std::pair{"snmp_port 3401", "'snmp_port': cuttle has no SNMP"}}) {
    const auto r = parse_both_text(std::string("http_port 3128\n# the line:\n") + line + "\n");
    EXPECT_EQ(r.squid.exit_code, 0) << line << ":\n" << r.squid.output;
    EXPECT_NE(r.cuttle.exit_code, 0) << line;
    EXPECT_NE(r.cuttle.output.find(file() + ":3: " + refusal), std::string::npos) << line << ":\n" << r.cuttle.output;
  }
}

// Its only line cuttle could list (coredump_dir) may be implemented: whatever
// cuttle says about it is a line with no effect, nothing else.
TEST_F(ParseFates, DebiansShippedSquidConfParses) {
  const std::string debian = "/etc/squid/squid.conf";
  if (!std::filesystem::exists(debian)) GTEST_FAIL() << debian << " is missing";
  const auto r = parse_both(debian);
  ASSERT_EQ(r.squid.exit_code, 0) << r.squid.output;
  EXPECT_EQ(r.cuttle.exit_code, 0) << r.cuttle.output;
  EXPECT_EQ(lines_with(r.cuttle.output, ": warning: "), lines_with(r.cuttle.output, "has no effect in cuttle"))
      << r.cuttle.output;
}

}  // namespace parse_fates_test
}  // namespace cuttle::testing
