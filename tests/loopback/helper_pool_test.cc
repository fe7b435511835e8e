// HelperPool against real child processes (tests/helpers/scripted_helper.py does
// what each request tells it): replies reach their askers, concurrency with
// channel IDs and answers out of order, queueing beyond `children`, and helpers
// that crash, hang or cannot start — every request gets an answer.
#include "proxy/server/helpers/helper_pool.h"

#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <functional>
#include <optional>
#include <set>

namespace cuttle {
namespace helper_pool_test {

using helpers::HelperReply;
using helpers::HelperResult;
using namespace std::chrono_literals;

const std::string kScript = std::string(CUTTLE_SOURCE_DIR) + "/tests/helpers/scripted_helper.py";

HelperProgram program(unsigned max, unsigned concurrency = 0, std::vector<std::string> argv = {kScript}) {
  HelperProgram p;
  p.argv = std::move(argv);
  if (concurrency > 0) p.argv.push_back("--concurrent");
  p.children = default_helper_children(max);
  p.children.concurrency = concurrency;
  return p;
}

class HelperPoolTest : public ::testing::Test {
 protected:
  std::shared_ptr<HelperPool> make_pool(HelperProgram p, std::chrono::milliseconds timeout = 5s) {
    return std::make_shared<HelperPool>(ioc_.get_executor(), "test_helper", std::move(p), timeout);
  }
  // Asks each request at once (concurrently) and runs until all are answered;
  // replies in the order the requests were given, and the order they came in.
  std::vector<HelperReply> ask_all(HelperPool& pool, std::vector<std::string> requests,
                                   std::vector<size_t>* completion_order = nullptr) {
    std::vector<HelperReply> replies(requests.size());
    size_t done = 0;
    for (size_t i = 0; i < requests.size(); ++i)
      asio::co_spawn(ioc_, [&, i]() -> awaitable<void> {
        replies[i] = co_await pool.ask(requests[i]);
        if (completion_order) completion_order->push_back(i);
        ++done;
      }, asio::detached);
    ioc_.restart();
    while (done < requests.size() && ioc_.run_one_for(10s) > 0) {}
    EXPECT_EQ(done, requests.size()) << "some requests were never answered";
    return replies;
  }

  // A stateful helper's question for one client's reservation, run to its answer.
  HelperReply ask_for(HelperPool& pool, HelperPool::Reservation& reservation, std::string request) {
    std::optional<HelperReply> reply;
    asio::co_spawn(ioc_, [&]() -> awaitable<void> { reply = co_await pool.ask_reserved(request, reservation); },
                   asio::detached);
    ioc_.restart();
    while (!reply && ioc_.run_one_for(10s) > 0) {}
    EXPECT_TRUE(reply) << "never answered";
    return reply.value_or(HelperReply{});
  }

  asio::io_context ioc_;
};

TEST_F(HelperPoolTest, EachAskerGetsItsOwnReply) {
  auto pool = make_pool(program(2));
  auto replies = ask_all(*pool, {"reply OK user=alice", "reply ERR message=\"bad password\"", "reply BH oops"});
  EXPECT_EQ(replies[0].result, HelperResult::Ok);
  EXPECT_EQ(replies[0].note("user"), "alice");
  EXPECT_EQ(replies[1].result, HelperResult::Error);
  EXPECT_EQ(replies[1].note("message"), "bad password");
  EXPECT_EQ(replies[2].result, HelperResult::BrokenHelper);
  EXPECT_EQ(pool->stats().replies, 5u) << "BH is asked twice more";
}

TEST_F(HelperPoolTest, ConcurrentRequestsCarryChannelIdsAndMayBeAnsweredOutOfOrder) {
  auto pool = make_pool(program(1, 8));
  std::vector<size_t> order;
  auto replies = ask_all(*pool, {"sleep 0.6 reply OK user=first", "sleep 0.3 reply OK user=second", "reply OK user=third"}, &order);
  EXPECT_EQ(order, (std::vector<size_t>{2, 1, 0}));
  EXPECT_EQ(replies[0].note("user"), "first");
  EXPECT_EQ(replies[1].note("user"), "second");
  EXPECT_EQ(replies[2].note("user"), "third");
  EXPECT_EQ(pool->stats().started, 1u) << "one process holds all three at once";
}

TEST_F(HelperPoolTest, RequestsBeyondTheChildrenWaitForAFreeProcess) {
  auto pool = make_pool(program(2));
  auto replies = ask_all(*pool, {"sleep 0.2 pid OK", "sleep 0.2 pid OK", "sleep 0.2 pid OK", "pid OK"});
  std::set<std::string> pids;
  for (const auto& r : replies) {
    EXPECT_EQ(r.result, HelperResult::Ok);
    pids.insert(r.note("pid").value_or("?"));
  }
  EXPECT_EQ(pids.size(), 2u);
  EXPECT_EQ(pool->stats().started, 2u);
}

TEST_F(HelperPoolTest, ARequestThatFindsNoFreeProcessStartsIdleMoreAsSquid) {
  auto p = program(5);
  p.children.idle = 3;
  auto pool = make_pool(p);
  ask_all(*pool, {"reply OK"});
  EXPECT_EQ(pool->stats().started, 3u);
  ask_all(*pool, {"reply OK", "reply OK"});
  EXPECT_EQ(pool->stats().started, 3u) << "two free processes took them";
}

TEST_F(HelperPoolTest, AHelperThatCrashesIsReplacedAndItsRequestGetsUnknownAsInSquid) {
  auto pool = make_pool(program(1));
  auto crashed = ask_all(*pool, {"crash"});
  EXPECT_EQ(crashed[0].result, HelperResult::Unknown);
  auto after = ask_all(*pool, {"reply OK user=back"});
  EXPECT_EQ(after[0].note("user"), "back");
  EXPECT_EQ(pool->stats().started, 2u);
}

TEST_F(HelperPoolTest, AHelperThatHangsTimesOutAndIsReplaced) {
  // Long enough for a Python helper to start on a loaded machine.
  auto pool = make_pool(program(1), 3000ms);
  auto hung = ask_all(*pool, {"hang"});
  EXPECT_EQ(hung[0].result, HelperResult::TimedOut);
  EXPECT_EQ(ask_all(*pool, {"reply OK user=next"})[0].note("user"), "next");
  EXPECT_EQ(pool->stats().timeouts, 1u);
  EXPECT_EQ(pool->stats().started, 2u);
}

TEST_F(HelperPoolTest, AConcurrentHelperKeepsWorkingAfterOneRequestTimesOut) {
  // Long enough for a Python helper to start on a loaded machine.
  auto pool = make_pool(program(1, 4), 3000ms);
  auto replies = ask_all(*pool, {"hang", "sleep 0.1 reply OK user=fine"});
  EXPECT_EQ(replies[0].result, HelperResult::TimedOut);
  EXPECT_EQ(replies[1].note("user"), "fine");
  EXPECT_EQ(pool->stats().started, 1u);
}

TEST_F(HelperPoolTest, AProgramThatCannotStartAnswersAsAHelperThatExited) {
  auto pool = make_pool(program(1, 0, {"/nonexistent/helper"}));
  auto replies = ask_all(*pool, {"reply OK"});
  EXPECT_EQ(replies[0].result, HelperResult::Unknown);
}

TEST_F(HelperPoolTest, BrokenHelperRepliesAreAskedTwiceMoreAsInSquid) {
  auto pool = make_pool(program(1));
  auto replies = ask_all(*pool, {"reply BH busy"});
  EXPECT_EQ(replies[0].result, HelperResult::BrokenHelper);
  EXPECT_EQ(pool->stats().replies, 3u);
}

TEST_F(HelperPoolTest, AnAskerThatGoesAwayLeavesThePoolWorking) {
  auto pool = make_pool(program(1));
  {
    // Destroying the io_context's pending work is how a stopping worker drops an asker.
    asio::io_context other;
    auto other_pool = std::make_shared<HelperPool>(other.get_executor(), "x", program(1), 5s);
    asio::co_spawn(other, other_pool->ask("sleep 0.2 reply OK"), asio::detached);
    other.run_for(50ms);
  }
  auto replies = ask_all(*pool, {"reply OK user=still"});
  EXPECT_EQ(replies[0].note("user"), "still");
}

TEST_F(HelperPoolTest, StartupProcessesRunBeforeAnyRequestAndExitWithThePool) {
  auto p = program(3);
  p.children.startup = 2;
  auto pool = make_pool(p);
  pool->start();
  EXPECT_EQ(pool->stats().running, 2u);
  auto replies = ask_all(*pool, {"pid OK"});
  const pid_t pid = std::stoi(replies[0].note("pid").value());
  pool.reset();
  ioc_.restart();
  ioc_.run_for(3s);  // the retired processes are reaped
  EXPECT_NE(::kill(pid, 0), 0) << "helper " << pid << " still runs";
}

TEST_F(HelperPoolTest, AReservedProcessAnswersOnlyItsClientUntilReleased) {
  auto pool = make_pool(program(2));
  HelperPool::Reservation alice, bob;
  const auto alice_pid = ask_for(*pool, alice, "pid TT token").note("pid");
  const auto bob_pid = ask_for(*pool, bob, "pid TT token").note("pid");
  EXPECT_NE(alice_pid, bob_pid) << "bob's handshake may not use alice's process";
  EXPECT_EQ(ask_for(*pool, alice, "pid OK").note("pid"), alice_pid);
  EXPECT_EQ(ask_for(*pool, bob, "pid OK").note("pid"), bob_pid);
  alice.release();
  HelperPool::Reservation carol;
  EXPECT_EQ(ask_for(*pool, carol, "pid TT token").note("pid"), alice_pid) << "released, it serves the next client";
  EXPECT_EQ(pool->stats().started, 2u);
}

TEST_F(HelperPoolTest, AHandshakeWaitsForAProcessWhileAllAreReserved) {
  auto pool = make_pool(program(1));
  auto first = std::make_unique<HelperPool::Reservation>();
  const auto pid = ask_for(*pool, *first, "pid TT token").note("pid");
  std::optional<HelperReply> second_reply;
  HelperPool::Reservation second;
  asio::co_spawn(ioc_, [&]() -> awaitable<void> { second_reply = co_await pool->ask_reserved("pid TT token", second); },
                 asio::detached);
  ioc_.restart();
  ioc_.run_for(300ms);
  EXPECT_FALSE(second_reply) << "the only process is reserved";
  first.reset();  // the first client went away
  while (!second_reply && ioc_.run_one_for(10s) > 0) {}
  ASSERT_TRUE(second_reply);
  EXPECT_EQ(second_reply->note("pid"), pid);
}

TEST_F(HelperPoolTest, AnExpiredReservationIsTakenAndItsClientGetsTimedOutAsSquid) {
  auto p = program(1);
  p.children.reservation_timeout = 0s;
  auto pool = make_pool(p);
  HelperPool::Reservation alice, bob;
  ask_for(*pool, alice, "reply TT abc");
  ioc_.run_for(20ms);
  EXPECT_EQ(ask_for(*pool, bob, "reply TT def").result, HelperResult::TT) << "alice's reservation expired";
  EXPECT_EQ(ask_for(*pool, alice, "reply OK user=alice").result, HelperResult::TimedOut);
}

TEST_F(HelperPoolTest, AReservedProcessThatDiesEndsItsHandshake) {
  auto pool = make_pool(program(1));
  HelperPool::Reservation alice;
  ask_for(*pool, alice, "reply TT abc");
  EXPECT_EQ(ask_for(*pool, alice, "crash").result, HelperResult::Unknown);
  EXPECT_EQ(ask_for(*pool, alice, "reply OK user=alice").result, HelperResult::TimedOut);
  HelperPool::Reservation bob;
  EXPECT_EQ(ask_for(*pool, bob, "reply OK user=bob").note("user"), "bob") << "a replacement serves new handshakes";
}

}  // namespace helper_pool_test
}  // namespace cuttle
