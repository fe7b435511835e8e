// stale-while-revalidate's background refresh goes through the same upstream
// exchange as every forwarded request: through a parent it carries the peer's
// login= credentials, a proxy-only parent's reply is not stored, and it holds
// a max-conn slot like any other connection to the parent.
#include "proxy/http/http_date.h"
#include "tests/support/cuttle_process.h"
#include "tests/support/http_client.h"
#include "tests/support/origin_server.h"

#include <gtest/gtest.h>

#include <csignal>
#include <mutex>
#include <thread>

namespace cuttle::testing {
namespace background_refresh_test {

using namespace std::chrono_literals;

std::string cache_dir_line(const TempDir& dir) { return "cache_dir lmdb " + dir.file("cache") + " 64\n"; }

// A parent holding one resource in two versions: v1 stale at once (with
// stale-while-revalidate), v2 fresh for long; 304 to a request for the current
// version's ETag. `delay` holds every conditional request that long.
class VersionedParent {
 public:
  explicit VersionedParent(bool close_connections = false)
      : server_([this, close_connections](const RecordedRequest& req) {
          std::lock_guard lock(mutex_);
          OriginReply r;
          r.close = close_connections;
          const bool v2 = second_version_;
          const std::string etag = v2 ? "\"v2\"" : "\"v1\"";
          r.headers = {{"ETag", etag},
                       {"Cache-Control", v2 ? "max-age=600" : "max-age=0, stale-while-revalidate=600"},
                       {"Date", http_date(std::chrono::system_clock::now())}};
          if (req.has_header("If-None-Match")) r.delay = conditional_delay_;
          if (req.header("If-None-Match") == etag) r.status = 304;
          else r.body = v2 ? "version two" : "version one";
          return r;
        }, "127.0.0.11") {}

  void switch_to_second_version() {
    std::lock_guard lock(mutex_);
    second_version_ = true;
  }
  void delay_conditional_requests(std::chrono::milliseconds delay) {
    std::lock_guard lock(mutex_);
    conditional_delay_ = delay;
  }
  OriginServer& server() { return server_; }
  std::string cache_peer(const std::string& options) const {
    return "cache_peer 127.0.0.11 parent " + std::to_string(server_.port()) + " 0 no-query " + options + "\n";
  }
  // Waits (bounded) until the parent has seen `count` requests.
  std::vector<RecordedRequest> requests(size_t count) {
    for (auto deadline = std::chrono::steady_clock::now() + 5s;
         server_.requests().size() < count && std::chrono::steady_clock::now() < deadline;)
      std::this_thread::sleep_for(10ms);
    return server_.requests();
  }

 private:
  std::mutex mutex_;
  bool second_version_ = false;
  std::chrono::milliseconds conditional_delay_{0};
  OriginServer server_;
};

TEST(BackgroundRefresh, ThroughALoginParentCarriesThePeersCredentials) {
  VersionedParent parent;
  TempDir dir;
  CuttleProcess cuttle(cache_dir_line(dir) + parent.cache_peer("default login=user:pass") + "never_direct allow all\n");
  const std::string url = "http://site.test/page";
  ASSERT_EQ(proxy_get(cuttle.port(), url).body(), "version one");
  auto served = proxy_get(cuttle.port(), url);  // stale: answered at once, refreshed behind
  EXPECT_EQ(served.body(), "version one");
  auto requests = parent.requests(2);
  ASSERT_EQ(requests.size(), 2u) << "no background refresh reached the parent";
  EXPECT_EQ(requests[1].header("If-None-Match"), "\"v1\"");
  EXPECT_EQ(requests[1].header("Proxy-Authorization"), "Basic dXNlcjpwYXNz");  // user:pass
  EXPECT_EQ(requests[1].header("Proxy-Authorization"), requests[0].header("Proxy-Authorization"));
  EXPECT_NE(requests[1].header("Via"), "") << "the refresh is this proxy's request, with its Via";
}

// The object is stored through an ordinary parent; the file then makes that
// parent proxy-only (or leaves it as it is) and the parent's object changes.
std::string body_after_refresh_through(bool proxy_only) {
  VersionedParent parent;
  TempDir dir;
  const std::string before = cache_dir_line(dir) + parent.cache_peer("default") + "never_direct allow all\n";
  CuttleProcess cuttle(before);
  const std::string url = "http://site.test/object";
  EXPECT_EQ(proxy_get(cuttle.port(), url).body(), "version one");
  if (proxy_only) {
    std::string file = read_file(cuttle.config_file());
    file.replace(file.find("no-query default"), 16, "no-query default proxy-only");
    cuttle.dir().write("cuttle.conf", file);
    EXPECT_EQ(::kill(cuttle.pid(), SIGHUP), 0);
    for (auto deadline = std::chrono::steady_clock::now() + 5s;
         cuttle.output().find("cuttle: reconfigured") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline;)
      std::this_thread::sleep_for(10ms);
    EXPECT_NE(cuttle.output().find("cuttle: reconfigured"), std::string::npos) << cuttle.output();
  }
  parent.switch_to_second_version();
  EXPECT_EQ(proxy_get(cuttle.port(), url).body(), "version one");  // stale, refreshed behind
  EXPECT_EQ(parent.requests(2).size(), 2u) << "no background refresh reached the parent";
  // Time for the store write to land, had there been one (the control sees it).
  std::string body;
  for (auto deadline = std::chrono::steady_clock::now() + 2s; std::chrono::steady_clock::now() < deadline;) {
    body = proxy_get(cuttle.port(), url).body();
    if (body != "version one") break;
    std::this_thread::sleep_for(100ms);
  }
  return body;
}

TEST(BackgroundRefresh, AProxyOnlyParentsReplyIsNotStored) {
  EXPECT_EQ(body_after_refresh_through(/*proxy_only=*/true), "version one");
}

TEST(BackgroundRefresh, AnOrdinaryParentsReplyReplacesTheStoredObject) {
  EXPECT_EQ(body_after_refresh_through(/*proxy_only=*/false), "version two");
}

TEST(BackgroundRefresh, HoldsTheParentsMaxConnSlot) {
  OriginServer origin([](const RecordedRequest& req) {
    OriginReply r;
    r.body = "from the origin " + req.target;
    return r;
  });
  VersionedParent parent(/*close_connections=*/true);  // no idle connection to reuse: the refresh opens one
  TempDir dir;
  CuttleProcess cuttle(cache_dir_line(dir) + parent.cache_peer("max-conn=1"));
  const std::string url = origin.url("/stored"), other = origin.url("/other");
  ASSERT_EQ(proxy_get(cuttle.port(), url).body(), "version one");
  ASSERT_NE(cuttle.access_log_line_with("/stored - FIRSTUP_PARENT/127.0.0.11 "), "") << cuttle.output();
  parent.delay_conditional_requests(1500ms);
  EXPECT_EQ(proxy_get(cuttle.port(), url).body(), "version one");  // starts the refresh
  ASSERT_EQ(parent.requests(2).size(), 2u) << "no background refresh reached the parent";
  // The refresh holds the parent's only connection: a miss goes direct.
  auto res = proxy_get(cuttle.port(), other);
  EXPECT_EQ(res.body(), "from the origin /other");
  EXPECT_NE(cuttle.access_log_line_with("/other - HIER_DIRECT/127.0.0.1 "), "") << cuttle.output();
  EXPECT_EQ(parent.server().requests().size(), 2u);
}

}  // namespace background_refresh_test
}  // namespace cuttle::testing
