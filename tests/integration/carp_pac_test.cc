// The generated PAC script, run by Node as a browser would run it, returns the
// same proxy order as carp::Array::select for every URL — the same member a
// cuttle or squid front would choose — and DIRECT for the bypassed hosts.
#include "carp/pac.h"
#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/varied_urls.h"

#include <gtest/gtest.h>

#include <sstream>
#include <unistd.h>

namespace cuttle::testing {
namespace carp_pac_test {

constexpr const char* kNode = "/usr/bin/node";

// The host a browser passes next to the URL: lowercase, no port, no brackets.
std::string browser_host(const std::string& url) {
  auto rest = url.substr(url.find("://") + 3);
  auto host = rest.substr(0, rest.find_first_of("/?#"));
  if (auto at = host.rfind('@'); at != std::string::npos) host = host.substr(at + 1);
  if (!host.empty() && host.front() == '[') host = host.substr(1, host.find(']') - 1);
  else host = host.substr(0, host.find(':'));
  for (auto& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return host;
}

// Written out independently of the script: Squid dstdomain matching.
bool bypassed(const std::string& host, const carp::PacOptions& options) {
  if (options.direct_for_plain_hostnames && host.find('.') == std::string::npos) return true;
  for (const auto& d : options.direct_domains) {
    if (d.front() == '.') {
      if (host == d.substr(1) || (host.size() > d.size() && host.ends_with(d))) return true;
    } else if (host == d) {
      return true;
    }
  }
  return false;
}

std::string expected_answer(const carp::Array& array, const carp::PacOptions& options, const std::string& url) {
  if (bypassed(browser_host(url), options)) return "DIRECT";
  std::string out;
  for (size_t m : array.select(url)) {
    const auto& member = array.members()[m];
    if (!out.empty()) out += "; ";
    out += "PROXY " + member.host + ":" + std::to_string(member.http_port);
  }
  return options.direct_when_all_fail ? out + "; DIRECT" : out;
}

std::vector<std::string> with_bypass_cases(std::vector<std::string> urls) {
  // Plain intranet names and hosts in the DIRECT domains, mixed in.
  const char* extra[] = {"http://intranet/", "http://wiki/page?x=1", "http://host.corp.example/a",
                         "http://corp.example/", "http://CORP.EXAMPLE:8080/b", "http://www.corp.example.net/",
                         "http://exact.example.org/", "http://sub.exact.example.org/", "http://notcorp.example/"};
  for (size_t i = 0; i < std::size(extra); ++i) urls.insert(urls.begin() + static_cast<long>(i * 37), extra[i]);
  return urls;
}

void expect_pac_matches_select(const carp::Array& array, const carp::PacOptions& options,
                               const std::vector<std::string>& urls, bool without_imul = false) {
  ASSERT_EQ(::access(kNode, X_OK), 0) << "node is not installed (scripts/install-deps.sh installs it)";
  TempDir dir("cuttle-pac");
  dir.write("proxy.pac", carp::pac_script(array, options));
  std::string input;
  for (const auto& url : urls) input += url + "\t" + browser_host(url) + "\n";
  dir.write("urls.tsv", input);
  std::string harness = CUTTLE_SOURCE_DIR;
  harness += "/tests/support/pac_eval.js";
  std::vector<std::string> argv{kNode, harness, dir.file("proxy.pac"), dir.file("urls.tsv")};
  if (without_imul) argv.push_back("--no-imul");
  auto result = run_command(argv, std::chrono::seconds(60));
  ASSERT_EQ(result.exit_code, 0) << result.output;

  std::istringstream answers(result.output);
  int mismatches = 0, direct = 0;
  for (const auto& url : urls) {
    std::string answer;
    ASSERT_TRUE(std::getline(answers, answer)) << "node gave fewer answers than URLs";
    auto expected = expected_answer(array, options, url);
    if (expected == "DIRECT") ++direct;
    if (answer != expected && ++mismatches <= 10) ADD_FAILURE() << url << "\n  pac: " << answer << "\n  c++: " << expected;
  }
  EXPECT_EQ(mismatches, 0);
  if (!options.direct_domains.empty()) {
    EXPECT_GT(direct, 0);  // the bypass cases were exercised
  }
}

std::vector<carp::Member> members(std::vector<int> weights) {
  std::vector<carp::Member> out;
  for (size_t i = 0; i < weights.size(); ++i)
    out.push_back({"cache" + std::to_string(i) + ".example.net", "10.0.0." + std::to_string(i + 1),
                   static_cast<uint16_t>(3128 + i), weights[i], {}});
  return out;
}

const carp::PacOptions kOptions{{".corp.example", "exact.example.org"}, true, true};

TEST(CarpPac, EqualWeightsSameOrderAsSelectFor10000Urls) {
  carp::Array array(members({1, 1, 1, 1}));
  expect_pac_matches_select(array, kOptions, with_bypass_cases(varied_urls(10000, 1, {true, true})));
}

TEST(CarpPac, UnequalWeightsSameOrderAsSelectFor10000Urls) {
  carp::Array array(members({3, 1, 2, 7, 1}));
  expect_pac_matches_select(array, kOptions, with_bypass_cases(varied_urls(10000, 2, {true, true})));
}

TEST(CarpPac, WithoutMathImulTheFallbackMultiplyAgrees) {
  carp::Array array(members({2, 5, 1}));
  expect_pac_matches_select(array, kOptions, with_bypass_cases(varied_urls(10000, 3, {true, true})),
                            /*without_imul=*/true);
}

TEST(CarpPac, CarpKeyPartsAgree) {
  auto m = members({1, 2, 2});
  m[0].key = *carp::parse_key_parts("host");
  m[1].key = *carp::parse_key_parts("scheme,host,port,path");
  m[2].key = *carp::parse_key_parts("params");
  carp::Array array(m);
  expect_pac_matches_select(array, {}, varied_urls(10000, 4, {true, true}));
}

TEST(CarpPac, SquidsDegenerateMultipliersAgree) {
  // 1 of 2001: multipliers 0, +inf, NaN (see load_factors.h); the script carries
  // them as literals and ranks them as select() does.
  carp::Array array(members({1, 1000, 1000}));
  expect_pac_matches_select(array, {}, varied_urls(2000, 5));
}

TEST(CarpPac, OddUrlsAgree) {
  carp::Array array(members({1, 2, 3}));
  expect_pac_matches_select(
      array, {.direct_domains = {}, .direct_for_plain_hostnames = false, .direct_when_all_fail = false},
      {"http://user:pw@Example.COM.:0080/x", "http://[::1]:8080/v6", "http://[::1]/", "http://a:b:c/",
       "http://example.com:99999/", "http://example.com:/", "http://..bad/", "http://example.com?q",
       "ftp://Files.Example.com:21/pub", "HTTPS://Secure.Example.com:443/", "example.com:443", "not a url",
       "http://example.com/caf\xc3\xa9", "http://example.com/\xf0\x9f\x98\x80", "http://example.com:000000000080/"});
}

TEST(CarpPac, ScriptIsDeterministicAndNamesEveryMember) {
  carp::Array array(members({1, 2}));
  auto a = carp::pac_script(array, kOptions);
  EXPECT_EQ(a, carp::pac_script(array, kOptions));
  EXPECT_NE(a.find("PROXY 10.0.0.1:3128"), std::string::npos);
  EXPECT_NE(a.find("PROXY 10.0.0.2:3129"), std::string::npos);
  EXPECT_NE(a.find("function FindProxyForURL(url, host)"), std::string::npos);
  // ES3 engines count a trailing comma in an array literal as one more element.
  EXPECT_EQ(a.find("},\n]"), std::string::npos);
  EXPECT_EQ(a.find("}, \n]"), std::string::npos);
}

}  // namespace carp_pac_test
}  // namespace cuttle::testing
