// Delay pools: squid's delay_* / client_delay_* lines as squid 5.7 reads them,
// the token bucket's arithmetic, the buckets each client draws from, and the
// mgr:delay report's layout.
#include "proxy/config/config_parser.h"
#include "proxy/config/delay_pool_directives.h"
#include "proxy/http/delay_pool_choice.h"
#include "proxy/server/bandwidth_throttle.h"
#include "proxy/server/client_delays.h"
#include "proxy/server/delay_pools.h"
#include "proxy/server/token_bucket.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "tests/unit/config_text.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace cuttle {
namespace delay_pools_test {

using namespace std::chrono_literals;
using Clock = TokenBucket::Clock;

LoadedConfig parse(std::string_view text) { return load_config_text(text, "test.conf"); }

std::string error_of(std::string_view text) { return testing::config_error_of(text); }

constexpr std::string_view kPort = "http_port 3128\n";

TEST(DelayRate, RestoreSlashMaxOrNone) {
  EXPECT_EQ(parse_delay_rate("8000/16000"), (DelayRate{8000, 16000}));
  EXPECT_TRUE(parse_delay_rate("none").unlimited());
  // squid's DelaySpec: any word starting with '-' is no limit (-1/-1 is the usual spelling).
  EXPECT_TRUE(parse_delay_rate("-1/-1").unlimited());
  EXPECT_TRUE(parse_delay_rate("-5/100").unlimited());
  // What follows the maximum's digits is not looked at, as squid's StringToInt64.
  EXPECT_EQ(parse_delay_rate("600/8000kb"), (DelayRate{600, 8000}));
}

TEST(DelayRate, MalformedRatesAreErrors) {
  EXPECT_THROW(parse_delay_rate("8000"), DirectiveError);
  EXPECT_THROW(parse_delay_rate("abc/10"), DirectiveError);
  EXPECT_THROW(parse_delay_rate("10/"), DirectiveError);
  EXPECT_THROW(parse_delay_rate("10/x"), DirectiveError);
}

TEST(DelayDirectives, ClassesRatesAndAccessPerPool) {
  auto c = parse(std::string(kPort) +
                 "acl lan src 10.0.0.0/8\n"
                 "delay_pools 3\n"
                 "delay_class 1 1\ndelay_parameters 1 262144/262144\ndelay_access 1 allow lan\n"
                 "delay_class 2 3\ndelay_parameters 2 32000/32000 none 600/8000\n"
                 "delay_class 3 5\ndelay_parameters 3 1000/2000\n"
                 "delay_initial_bucket_level 75\n")
               .config;
  const auto& pools = c->delay.pools;
  ASSERT_EQ(pools.size(), 3u);
  EXPECT_EQ(pools[0].pool_class, 1);
  EXPECT_EQ(pools[0].rates, (std::vector<DelayRate>{{262144, 262144}}));
  ASSERT_EQ(pools[0].access.size(), 1u);
  EXPECT_TRUE(pools[0].access[0].allow);
  EXPECT_EQ(pools[1].rates, (std::vector<DelayRate>{{32000, 32000}, {}, {600, 8000}}));
  EXPECT_TRUE(pools[1].access.empty());
  EXPECT_EQ(pools[2].rates, (std::vector<DelayRate>{{1000, 2000}}));
  EXPECT_EQ(c->delay.initial_percent, 75u);
}

TEST(DelayDirectives, PoolsOutsideTheCountAreIgnoredWithSquidsWarning) {
  auto loaded = parse(std::string(kPort) +
                      "delay_pools 1\ndelay_class 2 1\ndelay_class 1 7\ndelay_parameters 1 10/10\n"
                      "delay_access 4 allow all\n");
  ASSERT_EQ(loaded.warnings.size(), 4u);
  EXPECT_EQ(loaded.warnings[0], "test.conf:3: warning: parse_delay_pool_class: Ignoring pool 2 not in 1 .. 1");
  EXPECT_EQ(loaded.warnings[1], "test.conf:4: warning: parse_delay_pool_class: Ignoring pool 1 class 7 not in 1 .. 5");
  EXPECT_EQ(loaded.warnings[2],
            "test.conf:5: warning: parse_delay_pool_rates: Ignoring pool 1 attempt to set rates with class not set");
  EXPECT_EQ(loaded.warnings[3], "test.conf:6: warning: parse_delay_pool_rates: Ignoring pool 4 not in 1 .. 1");
  EXPECT_EQ(loaded.config->delay.pools.at(0).pool_class, 0);
}

TEST(DelayDirectives, ErrorsNameTheLine) {
  EXPECT_EQ(error_of(std::string(kPort) + "delay_pools 1\ndelay_class 1 2\ndelay_parameters 1 1000/1000\n"),
            "test.conf:4: delay_parameters: a class 2 pool needs 2 rates (restore/max or none), got 1");
  EXPECT_EQ(error_of(std::string(kPort) + "delay_pools 1\ndelay_class 1 1\ndelay_parameters 1 1000\n"),
            "test.conf:4: delay_parameters: invalid delay rate '1000'. Expecting restore/max or 'none'.");
  EXPECT_EQ(error_of(std::string(kPort) + "delay_pools 1\ndelay_class 1 1\ndelay_parameters 1 1000/x\n"),
            "test.conf:4: delay_parameters: the maximum in delay rate '1000/x' is not a number.");
  EXPECT_EQ(error_of(std::string(kPort) + "delay_pools many\n"),
            "test.conf:2: delay_pools: number of pools must be a whole number, got 'many'");
  EXPECT_EQ(error_of(std::string(kPort) + "delay_pools 1\ndelay_class 1 1\ndelay_access 1 allow nosuch\n"),
            "test.conf:4: delay_access: no ACL named 'nosuch'");
}

TEST(DelayDirectives, ANewCountOrClassStartsOver) {
  auto c = parse(std::string(kPort) +
                 "delay_pools 1\ndelay_class 1 1\ndelay_parameters 1 10/10\n"
                 "delay_class 1 2\n"  // squid's createPool: rates back to none
                 "client_delay_pools 1\nclient_delay_parameters 1 100 200\n")
               .config;
  EXPECT_EQ(c->delay.pools[0].rates, (std::vector<DelayRate>{{}, {}}));
  auto again = parse(std::string(kPort) + "client_delay_pools 1\nclient_delay_parameters 1 100 200\nclient_delay_pools 2\n");
  ASSERT_EQ(again.warnings.size(), 1u);
  EXPECT_EQ(again.warnings[0],
            "test.conf:4: warning: parse_client_delay_pool_count: multiple client_delay_pools lines, aborting all "
            "previous client_delay_pools config");
  EXPECT_EQ(again.config->delay.client_pools.size(), 2u);
  EXPECT_EQ(again.config->delay.client_pools[0].rate, 0);
}

TEST(DelayDirectives, ClientDelayPools) {
  auto c = parse(std::string(kPort) +
                 "acl slow src 127.0.0.1\nclient_delay_pools 2\nclient_delay_parameters 1 1024 2048\n"
                 "client_delay_access 1 allow slow\nclient_delay_initial_bucket_level 200\n")
               .config;
  ASSERT_EQ(c->delay.client_pools.size(), 2u);
  EXPECT_EQ(c->delay.client_pools[0].rate, 1024);
  EXPECT_EQ(c->delay.client_pools[0].max, 2048);
  EXPECT_EQ(c->delay.client_pools[0].access.size(), 1u);
  EXPECT_EQ(c->delay.client_initial_percent, 200u);
  EXPECT_EQ(error_of(std::string(kPort) + "client_delay_pools 1\nclient_delay_parameters 1 fast 10\n"),
            "test.conf:3: client_delay_parameters: speed_limit (bytes per second) must be a whole number, got 'fast'");
  auto outside = parse(std::string(kPort) + "client_delay_pools 1\nclient_delay_parameters 3 1 1\n");
  ASSERT_EQ(outside.warnings.size(), 1u);
  EXPECT_EQ(outside.warnings[0], "test.conf:3: warning: parse_client_delay_pool_rates: Ignoring pool 3 not in 1 .. 1");
}

TEST(TokenBucket, RefillsFromElapsedTimeUpToTheMaximum) {
  const auto t0 = Clock::now();
  TokenBucket b(1000, 5000, 0, t0);
  b.refill(t0 + 1500ms);
  EXPECT_EQ(b.level(), 1500);
  b.refill(t0 + 60s);
  EXPECT_EQ(b.level(), 5000);
  EXPECT_EQ(b.take(7000), 5000);  // no more than there is
  EXPECT_EQ(b.take(10), 0);
  b.give_back(300);
  EXPECT_EQ(b.level(), 300);
}

TEST(TokenBucket, TimeUntilEnoughIsTheMissingBytesOverTheRate) {
  const auto t0 = Clock::now();
  TokenBucket b(1000, 5000, 200, t0);
  EXPECT_EQ(b.time_until(100), Clock::duration::zero());
  EXPECT_NEAR(std::chrono::duration<double>(b.time_until(700)).count(), 0.5, 1e-6);
  // A maximum below what is asked for is never reached: ask again in a second.
  EXPECT_EQ(b.time_until(6000), std::chrono::seconds(1));
  EXPECT_EQ(b.worth_waiting_for(65536), 100);  // a tenth of a second's worth
  EXPECT_EQ(b.worth_waiting_for(20), 20);
}

TEST(TokenBucket, ExcessAboveTheMaximumIsCappedOrDrained) {
  const auto t0 = Clock::now();
  TokenBucket delay_bucket(100, 1000, 3000, t0);
  delay_bucket.refill(t0 + 1s);
  EXPECT_EQ(delay_bucket.level(), 1000);  // squid's DelayBucket::update caps it
  TokenBucket client_bucket(100, 1000, 3000, t0, /*drain_excess=*/true);
  client_bucket.refill(t0 + 1s);
  EXPECT_EQ(client_bucket.level(), 3000);  // squid's BandwidthBucket spends it first
  client_bucket.take(2500);
  client_bucket.refill(t0 + 2s);
  EXPECT_EQ(client_bucket.level(), 600);
}

DelayPoolsConfig pools_of(std::string_view lines) { return parse(std::string(kPort) + std::string(lines)).config->delay; }

TEST(DelayPoolBuckets, Class2GivesEachHostItsOwnBucketBesideTheAggregate) {
  const auto t0 = Clock::now();
  auto pools = std::make_shared<DelayPools>(
      pools_of("delay_pools 1\ndelay_class 1 2\ndelay_parameters 1 10000/10000 1000/2000\n"), t0);
  const auto a = boost::asio::ip::make_address("10.0.0.1"), b = boost::asio::ip::make_address("10.0.0.2");
  auto first = pools->ticket(1, {a, "", ""}, t0);
  // The aggregate starts empty, as squid's does; the host at 50% of 2000.
  EXPECT_EQ(first.take(5000, t0), 0);
  EXPECT_EQ(first.take(5000, t0 + 1s), 1000 + 1000);  // host: 1000 + 1000 refilled; aggregate 10000
  auto second = pools->ticket(1, {b, "", ""}, t0 + 1s);
  EXPECT_EQ(second.take(5000, t0 + 1s), 1000);  // its own host bucket, at its initial level
  auto report = pools->report(t0 + 1s);
  EXPECT_NE(report.find("\tIndividual:\n\t\tMax: 2000\n\t\tRestore: 1000\n\t\tCurrent: 1:0 2:0\n\n"),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("\tAggregate:\n\t\tMax: 10000\n\t\tRestore: 10000\n\t\tCurrent: 7000\n\n"),
            std::string::npos)
      << report;
}

TEST(DelayPoolBuckets, UnlimitedLevelsAndNonIpv4ClientsPass) {
  const auto t0 = Clock::now();
  auto pools = std::make_shared<DelayPools>(
      pools_of("delay_pools 2\ndelay_class 1 1\ndelay_parameters 1 none\n"
               "delay_class 2 2\ndelay_parameters 2 none 10/10\n"),
      t0);
  EXPECT_FALSE(pools->ticket(1, {boost::asio::ip::make_address("10.0.0.1"), "", ""}, t0).limits());
  EXPECT_FALSE(pools->ticket(2, {boost::asio::ip::make_address("::1"), "", ""}, t0).limits());
  EXPECT_TRUE(pools->ticket(2, {boost::asio::ip::make_address("10.0.0.1"), "", ""}, t0).limits());
}

TEST(DelayPoolReport, SquidsLayoutForEveryClass) {
  const auto t0 = Clock::now();
  auto pools = std::make_shared<DelayPools>(
      pools_of("delay_pools 4\ndelay_class 1 3\ndelay_parameters 1 none 800/800 600/8000\n"
               "delay_class 2 4\ndelay_parameters 2 none none none 1000/1000\n"
               "delay_class 3 5\ndelay_parameters 3 500/500\n"),
      t0);
  pools->ticket(1, {boost::asio::ip::make_address("192.168.7.9"), "", ""}, t0);
  pools->ticket(2, {boost::asio::ip::make_address("192.168.7.9"), "Bob", ""}, t0);
  pools->ticket(2, {boost::asio::ip::make_address("192.168.7.9"), "alice", ""}, t0);
  EXPECT_EQ(pools->report(t0),
            "Delay pools configured: 4\n\n"
            "Pool: 1\n\tClass: 3\n\n"
            "\tAggregate:\n\t\tDisabled.\n\n"
            "\tNetwork:\n\t\tMax: 800\n\t\tRestore: 800\n\t\tCurrent: 7:400\n\n"
            "\tIndividual:\n\t\tMax: 8000\n\t\tRestore: 600\n\t\tCurrent [Network 7]: 9:4000\n\n\n"
            "Pool: 2\n\tClass: 4\n\n"
            "\tAggregate:\n\t\tDisabled.\n\n"
            "\tNetwork:\n\t\tDisabled.\n\n\n\n"
            "\tIndividual:\n\t\tDisabled.\n\n\n\n"
            "\tPer User:\n\t\tMax: 1000\n\t\tRestore: 1000\n\t\tCurrent:  alice:500 Bob:500\n\n"
            "Pool: 3\n\tClass: 5\n\n"
            "\tPer Tag:\n\t\tMax: 500\n\t\tRestore: 500\n\t\tCurrent: Not used yet.\n\n"
            "\tMisconfigured pool.\n\n");
}

TEST(DelayPoolChoice, FirstPoolWhoseRulesAllowWinsAndPoolsWithoutRulesAreSkipped) {
  const auto loaded = parse(std::string(kPort) + "acl lan src 10.0.0.0/8\nacl other src 192.168.0.0/16\n"
                               "delay_pools 3\ndelay_class 1 1\ndelay_class 2 1\ndelay_class 3 1\n"
                               "delay_access 2 allow lan\ndelay_access 3 allow all\n"
                               "client_delay_pools 1\nclient_delay_access 1 deny lan\n");
  const auto& config = loaded.config->delay;  // its rules point at the config's ACLs
  RequestFacts facts;
  facts.client = boost::asio::ip::make_address("10.1.2.3");
  EXPECT_EQ(choose_delay_pool(config, facts), 2u);
  EXPECT_EQ(choose_client_delay_pool(config, facts), 0u);
  facts.client = boost::asio::ip::make_address("192.168.1.1");
  EXPECT_EQ(choose_delay_pool(config, facts), 3u);
  // No line matched: the opposite of the last line's action (a deny), as squid's checks answer.
  EXPECT_EQ(choose_client_delay_pool(config, facts), 1u);
}

TEST(ClientDelayBuckets, OneBucketPerAddressStartingAtTheInitialBurst) {
  const auto t0 = Clock::now();
  auto delays = std::make_shared<ClientDelays>(
      pools_of("client_delay_pools 1\nclient_delay_parameters 1 1000 3000\nclient_delay_access 1 allow all\n"));
  const auto a = boost::asio::ip::make_address("127.0.0.1");
  auto first = delays->ticket(1, a, t0);
  EXPECT_EQ(first.take(10000, t0), 1500);
  auto second = delays->ticket(1, a, t0);  // the same address shares the bucket
  EXPECT_EQ(second.take(10000, t0), 0);
  EXPECT_EQ(second.take(10000, t0 + 2s), 2000);
}

TEST(BandwidthThrottle, WaitsUntilTheBucketsRefill) {
  boost::asio::io_context io;
  const auto t0 = Clock::now();
  auto pools = std::make_shared<DelayPools>(
      pools_of("delay_pools 1\ndelay_class 1 1\ndelay_parameters 1 100000/100000\n"), t0);
  BandwidthThrottle throttle;
  throttle.add(pools->ticket(1, {boost::asio::ip::make_address("127.0.0.1"), "", ""}, t0));
  size_t moved = 0;
  boost::asio::co_spawn(
      io,
      [&]() -> awaitable<void> {
        while (moved < 50000) {
          const auto granted = co_await throttle.acquire(65536);
          moved += granted;
        }
      },
      boost::asio::detached);
  io.run();
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  // 50000 bytes from an empty bucket at 100000/s: about half a second.
  EXPECT_GE(seconds, 0.45);
  EXPECT_LT(seconds, 1.5);
  EXPECT_GE(moved, 50000u);
}

}  // namespace delay_pools_test
}  // namespace cuttle
