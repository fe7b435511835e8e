// cuttle in front of a CARP array: three loopback "parents" (small origins on
// 127.0.0.2-4 that answer any absolute-URI request with their own number) share
// the URL space exactly as carp::Array says, cuttle logs CARP/<parent address>,
// and a stopped member's URLs go to the next member in each URL's own order.
#include "carp/array.h"
#include "tests/support/cuttle_process.h"
#include "tests/support/http_client.h"
#include "tests/support/origin_server.h"
#include "tests/support/varied_urls.h"

#include <gtest/gtest.h>

#include <sstream>

namespace cuttle::testing {
namespace peers_carp_test {

std::vector<std::string> fields(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  for (std::string f; in >> f;) out.push_back(f);
  return out;
}

struct CarpFront {
  std::vector<std::unique_ptr<OriginServer>> parents;
  std::vector<std::vector<std::string>> targets;  // what each parent was asked, in order
  std::unique_ptr<carp::Array> array;
  std::unique_ptr<CuttleProcess> cuttle;

  CarpFront() {
    std::vector<carp::Member> members;
    std::string config;
    targets.resize(3);
    for (size_t i = 0; i < 3; ++i) {
      const std::string address = "127.0.0." + std::to_string(i + 2);
      parents.push_back(std::make_unique<OriginServer>(
          [i](const RecordedRequest&) {
            OriginReply r;
            r.body = "parent " + std::to_string(i);
            r.headers = {{"Cache-Control", "no-store"}};
            return r;
          },
          address));
      members.push_back({address, address, parents.back()->port(), 1, {}});
      config += "cache_peer " + address + " parent " + std::to_string(parents.back()->port()) + " 0 carp no-query\n";
    }
    array = std::make_unique<carp::Array>(members);
    // never_direct: the varied URLs name hosts that do not exist; only the array may answer.
    cuttle = std::make_unique<CuttleProcess>(config + "never_direct allow all\n");
  }

  // The member that answered, from the reply body; SIZE_MAX on a failed request.
  size_t fetch(const std::string& url) {
    auto res = proxy_get(cuttle->port(), url);
    if (res.result_int() != 200) return SIZE_MAX;
    return std::stoul(res.body().substr(res.body().find(' ') + 1));
  }
};

TEST(PeersCarp, EveryUrlGoesToItsCarpOwnerAndFailsOverInItsOwnOrder) {
  CarpFront front;
  const auto urls = varied_urls(300, 20261125);
  std::vector<std::vector<size_t>> order(urls.size());
  std::vector<int> per_parent(3);
  for (size_t i = 0; i < urls.size(); ++i) {
    auto uri = carp::parse_uri(urls[i]);
    ASSERT_TRUE(uri) << urls[i];
    order[i] = front.array->select(*uri);
    size_t answered = front.fetch(urls[i]);
    ASSERT_EQ(answered, order[i][0]) << urls[i];
    ++per_parent[answered];
  }
  for (int n : per_parent) EXPECT_GT(n, 30) << "each member should own a fair share of 300 URLs";

  // Each parent was asked as a proxy is: with the absolute URI.
  for (const auto& parent : front.parents)
    for (const auto& request : parent->requests()) EXPECT_TRUE(request.target.starts_with("http://")) << request.target;

  auto lines = front.cuttle->access_log_lines(urls.size());
  ASSERT_EQ(lines.size(), urls.size());
  for (size_t i = 0; i < urls.size(); ++i) {
    auto f = fields(lines[i]);
    ASSERT_EQ(f.size(), 10u) << lines[i];
    EXPECT_EQ(f[8], "CARP/127.0.0." + std::to_string(order[i][0] + 2)) << lines[i];
  }

  // Stop the member that owns the first URL: its URLs now go to each URL's second choice.
  const size_t stopped = order[0][0];
  front.parents[stopped].reset();
  size_t moved = 0;
  for (size_t i = 0; i < urls.size(); ++i) {
    if (order[i][0] != stopped) continue;
    ASSERT_EQ(front.fetch(urls[i]), order[i][1]) << urls[i];
    auto line = front.cuttle->access_log_line_with(" CARP/127.0.0." + std::to_string(order[i][1] + 2) + " ");
    EXPECT_FALSE(line.empty());
    ++moved;
  }
  EXPECT_GT(moved, 30u);
  // The others stay where they were.
  for (size_t i = 0; i < urls.size(); ++i) {
    if (order[i][0] != stopped) {
      ASSERT_EQ(front.fetch(urls[i]), order[i][0]) << urls[i];
    }
  }
  EXPECT_NE(front.cuttle->output().find("Detected DEAD Parent: 127.0.0." + std::to_string(stopped + 2)),
            std::string::npos)
      << front.cuttle->output();
}

}  // namespace peers_carp_test
}  // namespace cuttle::testing
