// carp::Array chooses the same parent as a real squid 5.7 configured with the same
// `cache_peer ... carp` lines, URL by URL. The parents are tiny loopback origins
// on their own addresses (127.0.0.11, ...), so squid's access.log names the parent
// it chose (CARP/127.0.0.12) and each parent's reply says who answered.
#include "carp/array.h"
#include "tests/support/http_client.h"
#include "tests/support/origin_server.h"
#include "tests/support/squid_process.h"
#include "tests/support/varied_urls.h"

#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <thread>

namespace cuttle::testing {
namespace carp_squid_agreement_test {

struct Parent {
  std::string address;
  int weight;
  std::string name;  // empty: no name= option (squid then hashes the address)
  std::string key = "";  // carp-key= value; empty: none
};

std::string authority_of(const std::string& url) {
  auto rest = url.substr(url.find("://") + 3);
  return rest.substr(0, rest.find_first_of("/?#"));
}

std::vector<std::string> fields(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  for (std::string f; in >> f;) out.push_back(f);
  return out;
}

void expect_squid_agrees(const std::vector<Parent>& parents, uint32_t seed, bool every_parent_chosen = true) {
  if (!SquidProcess::available()) GTEST_SKIP() << "squid is not installed";
  std::vector<std::unique_ptr<OriginServer>> servers;
  std::vector<carp::Member> members;
  std::string peers;
  for (size_t i = 0; i < parents.size(); ++i) {
    const auto& p = parents[i];
    servers.push_back(std::make_unique<OriginServer>(
        [i](const RecordedRequest&) {
          OriginReply r;
          r.body = "parent " + std::to_string(i);
          r.headers = {{"Cache-Control", "no-store"}};
          return r;
        },
        p.address));
    carp::KeyParts key;
    if (!p.key.empty()) key = carp::parse_key_parts(p.key).value();
    members.push_back({p.name.empty() ? p.address : p.name, p.address, servers.back()->port(), p.weight, key});
    peers += "cache_peer " + p.address + " parent " + std::to_string(servers.back()->port()) +
             " 0 carp no-query no-digest weight=" + std::to_string(p.weight) +
             (p.name.empty() ? "" : " name=" + p.name) + (p.key.empty() ? "" : " carp-key=" + p.key) + "\n";
  }
  carp::Array array(members);
  // Only CARP may choose: no DIRECT, no cache, no ICP or digests.
  SquidProcess squid(peers + "never_direct allow all\ncache deny all\n");

  // Warm-up: squid probes its parents at start; wait until a request succeeds.
  bool ready = false;
  for (int i = 0; i < 100 && !ready; ++i) {
    ready = proxy_get(squid.port(), "http://warm-up.example/" + std::to_string(i)).result_int() == 200;
    if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(ready) << squid.cache_log();

  // Several keep-alive connections at once: each request waits on squid's and the
  // parents' small writes (Nagle vs delayed ACK), so one connection would be slow.
  const auto urls = varied_urls(1200, seed);
  constexpr size_t kConnections = 8;
  std::vector<size_t> answered_by(urls.size(), SIZE_MAX);
  std::vector<std::string> errors(kConnections);
  {
    std::vector<std::jthread> clients;
    for (size_t c = 0; c < kConnections; ++c)
      clients.emplace_back([&, c] {
        try {
          RawConnection conn(squid.port());
          for (size_t i = c; i < urls.size(); i += kConnections) {
            conn.send("GET " + urls[i] + " HTTP/1.1\r\nHost: " + authority_of(urls[i]) + "\r\n\r\n");
            auto res = conn.read_response();
            if (res.result_int() != 200) throw std::runtime_error(urls[i] + " got " + std::to_string(res.result_int()));
            answered_by[i] = std::stoul(res.body().substr(res.body().find(' ') + 1));
          }
        } catch (const std::exception& e) {
          errors[c] = e.what();
        }
      });
  }
  for (const auto& e : errors) ASSERT_EQ(e, "");

  // What carp::Array says, per URL and per effective URI (squid logs the latter).
  std::map<std::string, size_t> expected_for_logged_url;
  int disagreements = 0;
  for (size_t i = 0; i < urls.size(); ++i) {
    auto uri = carp::parse_uri(urls[i]);
    ASSERT_TRUE(uri) << urls[i];
    size_t expected = array.select(*uri)[0];
    expected_for_logged_url[uri->effective()] = expected;
    if (answered_by[i] != expected) {
      ++disagreements;
      ADD_FAILURE() << urls[i] << ": squid chose " << parents[answered_by[i]].address << ", carp::Array "
                    << parents[expected].address;
    }
  }
  EXPECT_EQ(disagreements, 0);

  // The log agrees too: every line names a URL in our canonical form (so squid's
  // effective request URI is ours) and the CARP choice for it.
  std::vector<std::string> lines;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  do {
    lines.clear();
    // Not the warm-up requests, nor the "error:transaction-end-before-headers" line
    // squid writes for the start-up probe's empty connection.
    for (auto& line : squid.access_log_lines(urls.size()))
      if (line.find("warm-up.example") == std::string::npos && line.find(" error:") == std::string::npos)
        lines.push_back(line);
  } while (lines.size() < urls.size() && std::chrono::steady_clock::now() < deadline);
  ASSERT_EQ(lines.size(), urls.size());
  for (const auto& line : lines) {
    auto f = fields(line);
    ASSERT_EQ(f.size(), 10u) << line;
    auto expected = expected_for_logged_url.find(f[6]);
    ASSERT_NE(expected, expected_for_logged_url.end()) << "squid logged a URL we did not canonicalize so: " << line;
    EXPECT_EQ(f[8], "CARP/" + parents[expected->second].address) << line;
  }

  // Every parent got a share, so the comparison covered each of them (unless
  // the weights make squid skip some).
  std::vector<int> per_parent(parents.size());
  for (size_t a : answered_by) ++per_parent[a];
  if (every_parent_chosen) {
    for (size_t i = 0; i < parents.size(); ++i) EXPECT_GT(per_parent[i], 0) << parents[i].address;
  }
}

TEST(CarpSquidAgreement, EqualWeightsSameParentForEveryUrl) {
  expect_squid_agrees({{"127.0.0.11", 1, ""}, {"127.0.0.12", 1, ""}, {"127.0.0.13", 1, ""}, {"127.0.0.14", 1, ""}},
                      11);
}

TEST(CarpSquidAgreement, UnequalWeightsSameParentForEveryUrl) {
  // Not in weight order, two equal weights, and name= on some: squid hashes
  // members by name in ascending-weight order.
  expect_squid_agrees({{"127.0.0.21", 3, "big"},
                       {"127.0.0.22", 1, ""},
                       {"127.0.0.23", 2, "middle"},
                       {"127.0.0.24", 1, "small-two"},
                       {"127.0.0.25", 5, ""}},
                      22);
}

TEST(CarpSquidAgreement, CarpKeyPartsSameParentForEveryUrl) {
  // Each member hashes different URL parts into the one running hash; the port
  // part is written even when it is the default.
  expect_squid_agrees({{"127.0.0.31", 1, "", "host"},
                       {"127.0.0.32", 2, "", "scheme,host,port"},
                       {"127.0.0.33", 2, "", "path,params"},
                       {"127.0.0.34", 3, "", "params"}},
                      33);
}

TEST(CarpSquidAgreement, ShareBelowOnePermilleDegeneratesAsInSquid) {
  // 1 of 2001 is below 1/1000: squid's multipliers become 0, +inf, NaN, so the
  // second parent gets every URL; carp::Array reproduces that.
  expect_squid_agrees({{"127.0.0.41", 1, ""}, {"127.0.0.42", 1000, ""}, {"127.0.0.43", 1000, ""}}, 44,
                      /*every_parent_chosen=*/false);
}

}  // namespace carp_squid_agreement_test
}  // namespace cuttle::testing
