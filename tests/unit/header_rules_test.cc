// Header handling on the way through the proxy: hop-by-hop removal, Via,
// X-Forwarded-For and request framing checks.
#include "proxy/http/header_rules.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cuttle {
namespace header_rules_test {

std::vector<std::string> values(const http::fields& f, std::string_view name) {
  std::vector<std::string> out;
  for (auto [it, end] = f.equal_range(name); it != end; ++it) out.emplace_back(it->value());
  return out;
}

const std::string kVia = "(" + std::string(kProductToken) + ")";

TEST(HopByHop, FixedSetIsRemovedAndEndToEndFieldsStay) {
  http::fields f;
  f.set("Host", "example.com");
  f.set("Connection", "keep-alive");
  f.set("Keep-Alive", "timeout=5");
  f.set("Proxy-Connection", "keep-alive");
  f.set("TE", "trailers");
  f.set("Trailer", "X-Checksum");
  f.set("Transfer-Encoding", "chunked");
  f.set("Upgrade", "websocket");
  f.set("Cache-Control", "no-cache");
  f.set("Content-Type", "text/html");
  remove_hop_by_hop(f);
  for (auto name : {"Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade"})
    EXPECT_EQ(f.count(name), 0u) << name;
  EXPECT_EQ(f["Host"], "example.com");
  EXPECT_EQ(f["Cache-Control"], "no-cache");
  EXPECT_EQ(f["Content-Type"], "text/html");
}

TEST(HopByHop, FieldsNamedByConnectionAreRemoved) {
  http::fields f;
  f.set("Connection", "close, X-Secret ,x-other");
  f.set("X-Secret", "1");
  f.set("X-Other", "2");
  f.set("X-Kept", "3");
  remove_hop_by_hop(f);
  EXPECT_EQ(f.count("X-Secret"), 0u);
  EXPECT_EQ(f.count("X-Other"), 0u);
  EXPECT_EQ(f["X-Kept"], "3");
}

TEST(HopByHop, EveryConnectionFieldLineCounts) {
  http::fields f;
  f.insert("Connection", "X-A");
  f.insert("Host", "example.com");
  f.insert("X-A", "a");
  f.insert("X-B", "b");
  f.insert("Connection", "X-B");
  remove_hop_by_hop(f);
  EXPECT_EQ(f.count("X-A"), 0u);
  EXPECT_EQ(f.count("X-B"), 0u);
  EXPECT_EQ(f["Host"], "example.com");
}

TEST(HopByHop, ConnectionCannotStripFramingOrHost) {
  // "Connection: Content-Length" would otherwise send the body on unframed.
  http::fields f;
  f.set("Connection", "Content-Length, Host, X-A");
  f.set("Content-Length", "5");
  f.set("Host", "example.com");
  f.set("X-A", "a");
  remove_hop_by_hop(f);
  EXPECT_EQ(f["Content-Length"], "5");
  EXPECT_EQ(f["Host"], "example.com");
  EXPECT_EQ(f.count("X-A"), 0u);
  EXPECT_EQ(f.count("Connection"), 0u);
}

TEST(Via, IsAddedWhenAbsent) {
  http::fields f;
  append_via(f, 11, "cache1", kProductToken);
  EXPECT_EQ(f["Via"], "1.1 cache1 " + kVia);
}

TEST(Via, NamesTheReceivedProtocolVersion) {
  http::fields f;
  append_via(f, 10, "cache1", kProductToken);
  EXPECT_EQ(f["Via"], "1.0 cache1 " + kVia);
}

TEST(Via, IsAppendedToAnExistingVia) {
  http::fields f;
  f.set("Via", "1.1 upstream (squid/5.7)");
  append_via(f, 11, "cache1", kProductToken);
  EXPECT_EQ(values(f, "Via"), std::vector<std::string>{"1.1 upstream (squid/5.7), 1.1 cache1 " + kVia});
}

TEST(Via, KeepsEveryEarlierViaLine) {
  // Loop detection depends on seeing every hop.
  http::fields f;
  f.insert("Via", "1.1 first");
  f.insert("Via", "1.0 second");
  append_via(f, 11, "cache1", kProductToken);
  EXPECT_EQ(values(f, "Via"), std::vector<std::string>{"1.1 first, 1.0 second, 1.1 cache1 " + kVia});
}

TEST(ForwardedFor, OnAddsTheClient) {
  http::fields f;
  apply_forwarded_for(f, ForwardedFor::On, "10.0.0.5");
  EXPECT_EQ(f["X-Forwarded-For"], "10.0.0.5");
}

TEST(ForwardedFor, OnAppendsToTheExistingChain) {
  http::fields f;
  f.set("X-Forwarded-For", "192.0.2.1");
  apply_forwarded_for(f, ForwardedFor::On, "10.0.0.5");
  EXPECT_EQ(f["X-Forwarded-For"], "192.0.2.1, 10.0.0.5");
}

TEST(ForwardedFor, OnKeepsEveryEarlierLine) {
  http::fields f;
  f.insert("X-Forwarded-For", "192.0.2.1");
  f.insert("X-Forwarded-For", "192.0.2.2, 192.0.2.3");
  apply_forwarded_for(f, ForwardedFor::On, "10.0.0.5");
  EXPECT_EQ(values(f, "X-Forwarded-For"), std::vector<std::string>{"192.0.2.1, 192.0.2.2, 192.0.2.3, 10.0.0.5"});
}

TEST(ForwardedFor, OffAddsUnknown) {
  http::fields f;
  f.set("X-Forwarded-For", "192.0.2.1");
  apply_forwarded_for(f, ForwardedFor::Off, "10.0.0.5");
  EXPECT_EQ(f["X-Forwarded-For"], "192.0.2.1, unknown");
}

TEST(ForwardedFor, TransparentLeavesItAlone) {
  http::fields f;
  apply_forwarded_for(f, ForwardedFor::Transparent, "10.0.0.5");
  EXPECT_EQ(f.count("X-Forwarded-For"), 0u);
  f.set("X-Forwarded-For", "192.0.2.1");
  apply_forwarded_for(f, ForwardedFor::Transparent, "10.0.0.5");
  EXPECT_EQ(f["X-Forwarded-For"], "192.0.2.1");
}

TEST(ForwardedFor, DeleteRemovesIt) {
  http::fields f;
  f.insert("X-Forwarded-For", "192.0.2.1");
  f.insert("X-Forwarded-For", "192.0.2.2");
  apply_forwarded_for(f, ForwardedFor::Delete, "10.0.0.5");
  EXPECT_EQ(f.count("X-Forwarded-For"), 0u);
}

TEST(ForwardedFor, TruncateKeepsOnlyTheClient) {
  http::fields f;
  f.insert("X-Forwarded-For", "192.0.2.1");
  f.insert("X-Forwarded-For", "192.0.2.2");
  apply_forwarded_for(f, ForwardedFor::Truncate, "10.0.0.5");
  EXPECT_EQ(values(f, "X-Forwarded-For"), std::vector<std::string>{"10.0.0.5"});
}

std::optional<FramingProblem> framing(std::initializer_list<std::pair<const char*, const char*>> fields) {
  http::fields f;
  for (auto [name, value] : fields) f.insert(name, value);
  return request_framing_problem(f);
}

TEST(RequestFraming, PlainRequestsAreFine) {
  EXPECT_FALSE(framing({}).has_value());
  EXPECT_FALSE(framing({{"Content-Length", "10"}}).has_value());
  EXPECT_FALSE(framing({{"Transfer-Encoding", "chunked"}}).has_value());
  EXPECT_FALSE(framing({{"Transfer-Encoding", "Chunked"}}).has_value());
}

TEST(RequestFraming, BothContentLengthAndTransferEncodingAreRefused) {
  auto p = framing({{"Content-Length", "10"}, {"Transfer-Encoding", "chunked"}});
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->status, 400u);
  EXPECT_STREQ(p->what, "both Transfer-Encoding and Content-Length");
}

TEST(RequestFraming, ConflictingContentLengthsAreRefused) {
  auto p = framing({{"Content-Length", "10"}, {"Content-Length", "11"}});
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->status, 400u);
  EXPECT_STREQ(p->what, "conflicting Content-Length values");
}

TEST(RequestFraming, RepeatedIdenticalContentLengthIsAccepted) {
  EXPECT_FALSE(framing({{"Content-Length", "10"}, {"Content-Length", "10"}}).has_value());
}

TEST(RequestFraming, ContentLengthMustBeOneNumber) {
  for (auto bad : {"5, 5", "-1", "0x10", "", "1 0", "+5"}) {
    auto p = framing({{"Content-Length", bad}});
    ASSERT_TRUE(p.has_value()) << bad;
    EXPECT_EQ(p->status, 400u) << bad;
  }
}

TEST(RequestFraming, TransferCodingsOtherThanChunkedAreNotImplemented) {
  for (auto coding : {"gzip", "gzip, chunked", "chunked, chunked", "identity"}) {
    auto p = framing({{"Transfer-Encoding", coding}});
    ASSERT_TRUE(p.has_value()) << coding;
    EXPECT_EQ(p->status, 501u) << coding;
  }
  auto split = framing({{"Transfer-Encoding", "gzip"}, {"Transfer-Encoding", "chunked"}});
  ASSERT_TRUE(split.has_value());
  EXPECT_EQ(split->status, 501u);
}

}  // namespace header_rules_test
}  // namespace cuttle
