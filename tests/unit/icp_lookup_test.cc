// cuttle's ICP answers from its own store and rules (proxy/server/icp_service.h):
// HIT only for what is stored and fresh long enough, icp_access by sender, and
// the access.log line Squid 5.7 writes for a query.
#include "proxy/config/config_parser.h"
#include "proxy/server/icp_service.h"
#include "store/memory_cache.h"
#include "store/object_writer.h"

#include <gtest/gtest.h>

#include <future>

namespace cuttle {
namespace icp_lookup_test {

using namespace std::chrono_literals;

class StoreFixture : public ::testing::Test {
 protected:
  // Stores a 200 reply for `key` received `age` ago with `cache_control`.
  void put(const std::string& key, const std::string& cache_control, Clock::duration age = 0s) {
    store::ObjectWriter writer(*store_, key);
    writer.append("body");
    store::ObjectRecord record;
    record.status = 200;
    auto at = std::chrono::duration_cast<std::chrono::milliseconds>((now_ - age).time_since_epoch()).count();
    record.request_time = record.response_time = at;
    record.header_block = "HTTP/1.1 200 OK\r\nCache-Control: " + cache_control + "\r\nContent-Length: 4\r\n\r\n";
    std::promise<bool> committed;
    writer.finish(record, [&](bool ok) { committed.set_value(ok); });
    ASSERT_TRUE(committed.get_future().get());
  }

  icp::LookupResult lookup(const std::string& url, bool hit_stale = false) {
    Config config;
    config.icp.hit_stale = hit_stale;
    return icp_lookup(config, store_.get(), url, now_);
  }

  std::unique_ptr<store::ObjectCache> store_ = std::make_unique<store::MemoryCache>();
  Clock::time_point now_ = Clock::now();
};

TEST_F(StoreFixture, FreshStoredReplyIsAHit) {
  put("http://h/fresh", "max-age=3600");
  EXPECT_EQ(lookup("http://h/fresh"), icp::LookupResult::Hit);
}

TEST_F(StoreFixture, UrlNotStoredIsAMiss) {
  put("http://h/fresh", "max-age=3600");
  EXPECT_EQ(lookup("http://h/other"), icp::LookupResult::Miss);
}

TEST_F(StoreFixture, QueryUrlIsNormalizedToTheStoreKey) {
  put("http://h/fresh", "max-age=3600");
  EXPECT_EQ(lookup("http://H:80/fresh"), icp::LookupResult::Hit);
}

TEST_F(StoreFixture, ReplyGoingStaleWithinThirtySecondsIsAMiss) {
  put("http://h/soon", "max-age=20");
  put("http://h/later", "max-age=40");
  EXPECT_EQ(lookup("http://h/soon"), icp::LookupResult::Miss);
  EXPECT_EQ(lookup("http://h/later"), icp::LookupResult::Hit);
}

TEST_F(StoreFixture, StaleReplyIsAMissUnlessIcpHitStale) {
  put("http://h/stale", "max-age=60", 2min);
  EXPECT_EQ(lookup("http://h/stale"), icp::LookupResult::Miss);
  EXPECT_EQ(lookup("http://h/stale", /*hit_stale=*/true), icp::LookupResult::Hit);
  EXPECT_EQ(lookup("http://h/absent", /*hit_stale=*/true), icp::LookupResult::Miss);
}

TEST(IcpLookup, WithoutAStoreEverythingIsAMiss) {
  Config config;
  EXPECT_EQ(icp_lookup(config, nullptr, "http://h/x", Clock::now()), icp::LookupResult::Miss);
}

TEST(IcpAllowed, FollowsIcpAccessForTheSender) {
  auto loaded = load_config_text(
      "http_port 3128\nacl peers src 10.0.0.0/8\nacl secret urlpath_regex ^/private\n"
      "icp_access deny secret\nicp_access allow peers\nicp_access deny all\n",
      "test.conf");
  const auto& c = *loaded.config;
  auto peer = boost::asio::ip::make_address("10.1.1.1");
  EXPECT_TRUE(icp_allowed(c, peer, "http://h/a"));
  EXPECT_TRUE(icp_allowed(c, boost::asio::ip::make_address("::ffff:10.1.1.1"), "http://h/a"));
  EXPECT_FALSE(icp_allowed(c, boost::asio::ip::make_address("192.0.2.1"), "http://h/a"));
  EXPECT_FALSE(icp_allowed(c, peer, "http://h/private/x"));
}

TEST(IcpAllowed, NoRulesDenyEveryone) {
  auto loaded = load_config_text("http_port 3128\n", "test.conf");
  EXPECT_FALSE(icp_allowed(*loaded.config, boost::asio::ip::make_address("127.0.0.1"), "http://h/a"));
}

TEST(IcpLogEntry, IsTheLineSquidWrites) {
  icp::QueryLogEvent event{{boost::asio::ip::make_address("::ffff:127.0.0.1"), 3130}, icp::Opcode::Hit,
                           "http://Example.com/a?b=1", 45};
  auto line = format_squid_native(icp_log_entry(event));
  // "1795617886.175      0 127.0.0.1 UDP_MISS/000 45 ICP_QUERY http://Example.com/a?b=1 - HIER_NONE/- -"
  // as squid 5.7 logged it (strip_query_terms on): the URL stays as asked.
  auto at = line.find(' ');
  ASSERT_NE(at, std::string::npos);
  EXPECT_EQ(line.substr(at), "      0 127.0.0.1 UDP_HIT/000 45 ICP_QUERY http://Example.com/a?b=1 - HIER_NONE/- -");
}

TEST(IcpLogEntry, EachReplyIsLoggedWithSquidsWord) {
  auto code_of = [](icp::Opcode reply) {
    return icp_log_entry({{boost::asio::ip::make_address("127.0.0.1"), 3130}, reply, "http://h/", 10}).result;
  };
  EXPECT_EQ(code_of(icp::Opcode::Hit), ResultCode::UdpHit);
  EXPECT_EQ(code_of(icp::Opcode::Miss), ResultCode::UdpMiss);
  EXPECT_EQ(code_of(icp::Opcode::MissNoFetch), ResultCode::UdpMissNofetch);
  EXPECT_EQ(code_of(icp::Opcode::Denied), ResultCode::UdpDenied);
  EXPECT_EQ(code_of(icp::Opcode::Err), ResultCode::UdpInvalid);
}

}  // namespace icp_lookup_test
}  // namespace cuttle
