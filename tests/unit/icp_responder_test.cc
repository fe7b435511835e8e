// The ICP responder core: which reply a datagram gets, what is counted and logged.
#include "icp/responder.h"

#include <gtest/gtest.h>

namespace cuttle::icp {
namespace icp_responder_test {

using Clock = RefusalLimit::Clock;
const auto kLocal = boost::asio::ip::make_address("127.0.0.1");
const auto kStranger = boost::asio::ip::make_address("192.0.2.7");

std::vector<uint8_t> query(std::string_view url, uint32_t reqnum = 11, uint8_t version = 2) {
  Message m;
  m.opcode = Opcode::Query;
  m.version = version;
  m.request_number = reqnum;
  m.url = url;
  return encode(m);
}

struct Fixture {
  Responder responder{ResponderHooks{
      [](const boost::asio::ip::address& a, std::string_view) { return a == kLocal; },
      [](std::string_view url) {
        if (url.ends_with("/cached")) return LookupResult::Hit;
        if (url.ends_with("/offline")) return LookupResult::MissNoFetch;
        return LookupResult::Miss;
      }}};
  std::vector<uint8_t> out = std::vector<uint8_t>(kMaxMessageSize);
  Clock::time_point now = Clock::now();

  Outcome handle(const std::vector<uint8_t>& in, const boost::asio::ip::address& from = kLocal) {
    return responder.handle(in, from, now, out);
  }
  Decoded reply(const Outcome& o) { return decode(std::span(out.data(), o.reply_size)); }
};

TEST(IcpResponder, StoredFreshUrlIsAHitEchoingRequestNumberAndUrl) {
  Fixture f;
  auto o = f.handle(query("http://h/cached", 1234));
  auto r = f.reply(o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.message.opcode, Opcode::Hit);
  EXPECT_EQ(r.message.request_number, 1234u);
  EXPECT_EQ(r.message.url, "http://h/cached");
  EXPECT_EQ(r.message.version, 2);
  EXPECT_EQ(o.logged, Opcode::Hit);
  EXPECT_EQ(o.log_url, "http://h/cached");
  EXPECT_EQ(f.responder.counters().hits, 1u);
  EXPECT_EQ(f.responder.counters().queries, 1u);
}

TEST(IcpResponder, UnknownUrlIsAMiss) {
  Fixture f;
  auto o = f.handle(query("http://h/other"));
  EXPECT_EQ(f.reply(o).message.opcode, Opcode::Miss);
  EXPECT_EQ(o.logged, Opcode::Miss);
  EXPECT_EQ(f.responder.counters().misses, 1u);
}

TEST(IcpResponder, LookupMayAnswerMissNoFetch) {
  Fixture f;
  auto o = f.handle(query("http://h/offline"));
  EXPECT_EQ(f.reply(o).message.opcode, Opcode::MissNoFetch);
  EXPECT_EQ(o.logged, Opcode::MissNoFetch);
  EXPECT_EQ(f.responder.counters().misses_nofetch, 1u);
}

TEST(IcpResponder, VersionThreeQueryGetsAVersionTwoReply) {
  Fixture f;
  auto r = f.reply(f.handle(query("http://h/cached", 5, 3)));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.message.version, 2);
  EXPECT_EQ(r.message.opcode, Opcode::Hit);
}

TEST(IcpResponder, SenderRefusedByAccessRulesIsDenied) {
  Fixture f;
  auto o = f.handle(query("http://h/cached", 8), kStranger);
  auto r = f.reply(o);
  EXPECT_EQ(r.message.opcode, Opcode::Denied);
  EXPECT_EQ(r.message.request_number, 8u);
  EXPECT_EQ(o.logged, Opcode::Denied);
  EXPECT_EQ(f.responder.counters().denied, 1u);
  EXPECT_EQ(f.responder.counters().hits, 0u);
}

TEST(IcpResponder, WithoutAccessRulesEveryoneIsDenied) {
  Responder r{ResponderHooks{}};
  std::vector<uint8_t> out(kMaxMessageSize);
  auto o = r.handle(query("http://h/"), kLocal, Clock::now(), out);
  EXPECT_EQ(decode(std::span(out.data(), o.reply_size)).message.opcode, Opcode::Denied);
}

TEST(IcpResponder, DeniedRepliesAreRateLimited) {
  Responder r{ResponderHooks{}, ResponderOptions{10, 20}};
  std::vector<uint8_t> out(kMaxMessageSize);
  auto now = Clock::now();
  int answered = 0;
  for (int i = 0; i < 1000; ++i) answered += r.handle(query("http://h/"), kStranger, now, out).reply_size > 0;
  EXPECT_EQ(answered, 20);  // the burst, then silence
  EXPECT_EQ(r.counters().denied, 1000u);
  EXPECT_EQ(r.counters().dropped, 980u);
  // One second later the bucket has refilled by the rate.
  answered = 0;
  for (int i = 0; i < 100; ++i)
    answered += r.handle(query("http://h/"), kStranger, now + std::chrono::seconds(1), out).reply_size > 0;
  EXPECT_EQ(answered, 10);
}

TEST(IcpResponder, MalformedUrlsAreAnsweredErrWithTheUrlEscaped) {
  Fixture f;
  for (auto [url, echoed] : {std::pair{"not a url", "not%20a%20url"}, std::pair{"http://exa mple.com/", "http://exa%20mple.com/"},
                             std::pair{"/relative", "/relative"}, std::pair{"http://", "http://"}}) {
    auto o = f.handle(query(url, 99));
    auto r = f.reply(o);
    ASSERT_TRUE(r.ok()) << url;
    EXPECT_EQ(r.message.opcode, Opcode::Err) << url;
    EXPECT_EQ(r.message.request_number, 99u);
    EXPECT_EQ(r.message.url, echoed);
    EXPECT_EQ(o.logged, Opcode::Err);  // UDP_INVALID
    EXPECT_EQ(o.log_url, echoed);
  }
  EXPECT_EQ(f.responder.counters().errors, 4u);
  EXPECT_EQ(f.responder.counters().queries, 0u);
}

TEST(IcpResponder, EmptyUrlIsAnsweredErrAndLoggedAsDash) {
  Fixture f;
  auto o = f.handle(query(""));
  auto r = f.reply(o);
  EXPECT_EQ(r.message.opcode, Opcode::Err);
  EXPECT_EQ(r.message.url, "");
  EXPECT_EQ(o.reply_size, 21u);
  EXPECT_EQ(o.log_url, "-");
}

TEST(IcpResponder, QueryWithoutNulIsAnsweredErr) {
  Fixture f;
  auto b = query("http://h/x", 31);
  b.pop_back();          // drop the NUL
  b[3] = uint8_t(b.size());  // keep the length field honest
  auto o = f.handle(b);
  EXPECT_EQ(f.reply(o).message.opcode, Opcode::Err);
  EXPECT_EQ(f.reply(o).message.request_number, 31u);
}

TEST(IcpResponder, DatagramsWithoutASoundHeaderAreDroppedAndCounted) {
  Fixture f;
  auto good = query("http://h/cached");
  std::vector<std::vector<uint8_t>> bad = {
      {}, {1, 2, 0}, std::vector<uint8_t>(good.begin(), good.end() - 1),  // truncated
  };
  auto wrong_version = good;
  wrong_version[1] = 4;
  bad.push_back(wrong_version);
  auto wrong_length = good;
  wrong_length[3] += 1;
  bad.push_back(wrong_length);
  auto unknown_op = good;
  unknown_op[0] = 7;
  bad.push_back(unknown_op);
  for (auto& b : bad) {
    auto o = f.handle(b);
    EXPECT_EQ(o.reply_size, 0u);
    EXPECT_FALSE(o.logged);
  }
  EXPECT_EQ(f.responder.counters().errors, bad.size());
  EXPECT_EQ(f.responder.counters().dropped, bad.size());
  EXPECT_EQ(f.responder.counters().queries, 0u);
}

TEST(IcpResponder, RepliesAreHandedOnNotAnswered) {
  Fixture f;
  Message m;
  m.opcode = Opcode::Hit;
  m.request_number = 3;
  m.url = "http://h/";
  auto o = f.handle(encode(m));
  EXPECT_EQ(o.reply_size, 0u);
  EXPECT_TRUE(o.is_reply);
  EXPECT_EQ(o.message.request_number, 3u);
  EXPECT_EQ(f.responder.counters().replies, 1u);
  m.opcode = Opcode::Invalid;
  auto ignored = f.handle(encode(m));
  EXPECT_FALSE(ignored.is_reply);
  EXPECT_EQ(ignored.reply_size, 0u);
}

TEST(IcpUrl, AcceptsAbsoluteUrlsOnly) {
  EXPECT_TRUE(is_acceptable_query_url("http://example.com/a?b"));
  EXPECT_TRUE(is_acceptable_query_url("https://[::1]:8443/"));
  EXPECT_FALSE(is_acceptable_query_url(""));
  EXPECT_FALSE(is_acceptable_query_url("example.com/a"));
  EXPECT_FALSE(is_acceptable_query_url("http://a b/"));
  EXPECT_FALSE(is_acceptable_query_url("http:///path"));
  EXPECT_FALSE(is_acceptable_query_url("ht tp://h/"));
  EXPECT_FALSE(is_acceptable_query_url("http://h/\x7f"));
}

}  // namespace icp_responder_test
}  // namespace cuttle::icp
