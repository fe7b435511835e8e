// The ACL types beyond addresses and URLs, each against Squid 5.7's reading of
// its values (src/acl/*.cc): headers, times, ports, status codes, initiators,
// all-of / any-of, and which facts each one needs.
#include "proxy/config/acl/access_rules.h"
#include "proxy/config/acl/acl_types.h"
#include "proxy/config/acl/arp_acl.h"
#include "proxy/config/acl/forwarded_for.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <initializer_list>
#include <stdexcept>
#include <string>

namespace cuttle {
namespace acl_types_test {

using boost::asio::ip::make_address;

Acl make(std::string_view type, std::initializer_list<const char*> words, const AclRegistry* registry = nullptr) {
  auto made = make_acl_data(type);
  Acl acl("test", made.type, std::move(made.data));
  acl.parse(std::vector<std::string>(words.begin(), words.end()), registry);
  return acl;
}

RequestFacts request() {
  RequestFacts f;
  f.client = make_address("10.0.0.7");
  f.method = "GET";
  f.scheme = "http";
  f.host = "example.com";
  f.port = 80;
  f.path = "/";
  return f;
}

RequestFacts with_header(const char* name, std::initializer_list<const char*> values) {
  auto f = request();
  for (auto v : values) f.headers.add(name, v);
  return f;
}

RequestFacts with_reply(unsigned status, std::initializer_list<std::pair<const char*, const char*>> fields = {}) {
  auto f = request();
  f.reply.emplace();
  f.reply->status = status;
  for (auto [name, value] : fields) f.reply->headers.add(name, value);
  return f;
}

// --- headers -------------------------------------------------------------------

TEST(HeaderAcls, ReqHeaderMatchesARegexAnywhereInTheValue) {
  auto acl = make("req_header", {"X-Client-Type", "^kiosk", "tablet"});
  EXPECT_TRUE(acl.matches(with_header("x-client-type", {"kiosk-3"})));
  EXPECT_TRUE(acl.matches(with_header("X-Client-Type", {"a tablet"})));
  EXPECT_FALSE(acl.matches(with_header("X-Client-Type", {"desktop"})));
  EXPECT_FALSE(acl.matches(request())) << "a missing header matches nothing";
}

// Squid joins list headers and headers it does not know with ", " and looks at
// the first field only of the other headers it knows.
TEST(HeaderAcls, RepeatedFieldsAreJoinedOrNotAsSquidDoes) {
  EXPECT_TRUE(make("req_header", {"Accept", "text/html, image/png"})
                  .matches(with_header("Accept", {"text/html", "image/png"})));
  EXPECT_TRUE(make("req_header", {"X-Custom", "^a, b$"}).matches(with_header("X-Custom", {"a", "b"})));
  auto cookie = make("req_header", {"Cookie", "second"});
  EXPECT_FALSE(cookie.matches(with_header("Cookie", {"first=1", "second=2"})));
}

TEST(HeaderAcls, CaseFlagsComeAfterTheHeaderName) {
  auto acl = make("req_header", {"X-Tag", "-i", "SECRET"});
  EXPECT_TRUE(acl.matches(with_header("X-Tag", {"secret"})));
  EXPECT_THROW(make("req_header", {"-i", "X-Tag", "x"}), std::invalid_argument);  // squid 5.7: unsupported option
}

TEST(HeaderAcls, OneAclLooksAtOneHeader) {
  auto acl = make("req_header", {"X-A", "x"});
  EXPECT_THROW(acl.parse({"X-B", "y"}), std::invalid_argument);
  acl.parse({"x-a", "z"});
  EXPECT_TRUE(acl.matches(with_header("X-A", {"z"})));
}

TEST(HeaderAcls, ReplyAclsMatchNothingWithoutAReplyAndNeedIt) {
  auto header = make("rep_header", {"Content-Disposition", "attachment"});
  EXPECT_FALSE(header.matches(request()));
  EXPECT_TRUE(header.matches(with_reply(200, {{"Content-Disposition", "attachment; filename=a.exe"}})));
  EXPECT_EQ(header.needs().reply_headers.count("content-disposition"), 1u);
  EXPECT_TRUE(make("req_header", {"X-A", "x"}).needs().reply_headers.empty());
}

TEST(HeaderAcls, BrowserAndRefererLookAtTheirHeaders) {
  auto browser = make("browser", {"-i", "curl/"});
  EXPECT_TRUE(browser.matches(with_header("User-Agent", {"CURL/8.1"})));
  EXPECT_FALSE(browser.matches(request()));
  EXPECT_EQ(browser.needs().request_headers.count("user-agent"), 1u);
  auto referer = make("referer_regex", {"^http://intranet/"});
  EXPECT_TRUE(referer.matches(with_header("Referer", {"http://intranet/page"})));
}

TEST(HeaderAcls, MimeTypesMatchTheWholeContentTypeAndAMissingOneAsEmpty) {
  auto request_type = make("req_mime_type", {"^application/x-www-form-urlencoded"});
  EXPECT_TRUE(request_type.matches(with_header("Content-Type", {"application/x-www-form-urlencoded; charset=utf-8"})));
  EXPECT_TRUE(make("req_mime_type", {"^$"}).matches(request()));
  auto reply_type = make("rep_mime_type", {"-i", "^video/"});
  EXPECT_TRUE(reply_type.matches(with_reply(200, {{"Content-Type", "Video/MP4"}})));
  EXPECT_FALSE(reply_type.matches(with_reply(200)));
  EXPECT_FALSE(reply_type.matches(request()));
}

// --- numbers -------------------------------------------------------------------

TEST(NumberAcls, HttpStatusTakesCodesRangesAndOpenRanges) {
  auto acl = make("http_status", {"200", "301-303", "500-"});
  for (unsigned status : {200u, 301u, 303u, 500u, 599u}) EXPECT_TRUE(acl.matches(with_reply(status))) << status;
  for (unsigned status : {201u, 304u, 404u}) EXPECT_FALSE(acl.matches(with_reply(status))) << status;
  EXPECT_FALSE(acl.matches(request()));
  EXPECT_THROW(make("http_status", {"abc"}), std::invalid_argument);
}

TEST(NumberAcls, LocalPortIsThePortTheClientConnectedTo) {
  auto acl = make("myport", {"3128", "8080-8089"});
  EXPECT_EQ(make_acl_data("myport").type, "localport");
  auto f = request();
  f.connection.local_port = 8085;
  EXPECT_TRUE(acl.matches(f));
  f.connection.local_port = 3129;
  EXPECT_FALSE(acl.matches(f));
}

TEST(NumberAcls, MaxconnMatchesAboveTheLimitCountingThisConnection) {
  auto acl = make("maxconn", {"2"});
  auto f = request();
  f.connection.client_connections = 2;
  EXPECT_FALSE(acl.matches(f));
  f.connection.client_connections = 3;
  EXPECT_TRUE(acl.matches(f));
  EXPECT_TRUE(acl.needs().client_connections);
  EXPECT_THROW(make("maxconn", {"0"}), std::invalid_argument);
  EXPECT_THROW(make("maxconn", {}), std::invalid_argument);
}

// --- names -------------------------------------------------------------------------

TEST(NameAcls, MyportnameAndLocalip) {
  auto f = request();
  f.connection.port_name = "127.0.0.1:3128";
  f.connection.local_address = make_address("192.0.2.1");
  EXPECT_TRUE(make("myportname", {"127.0.0.1:3128"}).matches(f));
  EXPECT_FALSE(make("myportname", {"3128"}).matches(f));
  EXPECT_TRUE(make("myip", {"192.0.2.0/24"}).matches(f));
  EXPECT_FALSE(make("localip", {"10.0.0.0/8"}).matches(f));
}

TEST(NameAcls, HierCodeKnowsSquidsNamesOnly) {
  auto acl = make("hier_code", {"HIER_NONE", "PARENT_HIT"});
  EXPECT_TRUE(acl.matches(request())) << "not forwarded yet: HIER_NONE";
  auto f = request();
  f.hierarchy = "HIER_DIRECT";
  EXPECT_FALSE(acl.matches(f));
  EXPECT_THROW(make("hier_code", {"DIRECT"}), std::invalid_argument);
}

TEST(NameAcls, TransactionInitiator) {
  auto client = make("transaction_initiator", {"client"});
  auto internal = make("transaction_initiator", {"internal"});
  auto f = request();
  EXPECT_TRUE(client.matches(f));
  EXPECT_FALSE(internal.matches(f));
  f.initiator = Initiator::Icp;
  EXPECT_FALSE(client.matches(f));
  EXPECT_TRUE(internal.matches(f));
  f.initiator = Initiator::Htcp;
  EXPECT_FALSE(internal.matches(f)) << "squid 5.7's 'internal' leaves htcp out";
  EXPECT_TRUE(make("transaction_initiator", {"all"}).matches(f));
  EXPECT_THROW(make("transaction_initiator", {"browser"}), std::invalid_argument);
}

TEST(NameAcls, HasTakesOneComponent) {
  EXPECT_TRUE(make("has", {"request"}).matches(request()));
  EXPECT_FALSE(make("has", {"response"}).matches(request()));
  EXPECT_TRUE(make("has", {"response"}).matches(with_reply(200)));
  EXPECT_THROW(make("has", {"request", "response"}), std::invalid_argument);
  EXPECT_THROW(make("has", {"reply"}), std::invalid_argument);
}

// --- time ------------------------------------------------------------------------

class TimeAclTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tz = std::getenv("TZ");
    saved_ = tz ? tz : "";
    had_ = tz != nullptr;
    setenv("TZ", "UTC", 1);
    tzset();
  }
  void TearDown() override {
    if (had_) setenv("TZ", saved_.c_str(), 1);
    else unsetenv("TZ");
    tzset();
  }
  // 2026-12-07 is a Monday.
  static RequestFacts at(int day_of_december, int hour, int minute, int second = 0) {
    std::tm t{};
    t.tm_year = 2026 - 1900;
    t.tm_mon = 11;
    t.tm_mday = day_of_december;
    t.tm_hour = hour;
    t.tm_min = minute;
    t.tm_sec = second;
    auto f = request();
    f.now = timegm(&t);
    return f;
  }
  std::string saved_;
  bool had_ = false;
};

TEST_F(TimeAclTest, WorkingHoursOnWeekdaysWithTheEndMinuteIncluded) {
  auto acl = make("time", {"MTWHF", "08:00-17:00"});
  EXPECT_TRUE(acl.matches(at(7, 8, 0)));
  EXPECT_TRUE(acl.matches(at(7, 17, 0, 59)));
  EXPECT_FALSE(acl.matches(at(7, 17, 1)));
  EXPECT_FALSE(acl.matches(at(7, 7, 59)));
  EXPECT_FALSE(acl.matches(at(6, 12, 0))) << "Sunday";
  EXPECT_TRUE(make("time", {"D", "08:00-17:00"}).matches(at(11, 9, 0))) << "D: Monday to Friday";
}

TEST_F(TimeAclTest, DaysAfterTheLastRangeAreAWholeDayOfTheirOwn) {
  auto acl = make("time", {"08:00-09:00", "A"});
  EXPECT_TRUE(acl.matches(at(7, 8, 30)));
  EXPECT_TRUE(acl.matches(at(12, 23, 0))) << "Saturday, all day";
  EXPECT_FALSE(acl.matches(at(7, 10, 0)));
}

TEST_F(TimeAclTest, RangesPastMidnightAndBadValuesAreRefused) {
  EXPECT_THROW(make("time", {"23:00-01:00"}), std::invalid_argument);
  EXPECT_THROW(make("time", {"08:00-25:00"}), std::invalid_argument);
  EXPECT_THROW(make("time", {"MX", "08:00-09:00"}), std::invalid_argument);
  EXPECT_TRUE(make("time", {"23:00-24:00"}).matches(at(7, 23, 59, 59)));
}

// --- all-of / any-of ------------------------------------------------------------------

struct Registry {
  AclRegistry acls;
  Acl& define(const char* name, std::string_view type, std::initializer_list<const char*> words) {
    Acl& acl = acls.find(name) ? *acls.find(name) : acls.add(name, type);
    acl.parse(std::vector<std::string>(words.begin(), words.end()), &acls);
    return acl;
  }
};

RequestFacts from(const char* client, const char* host) {
  auto f = request();
  f.client = make_address(client);
  f.host = host;
  return f;
}

TEST(CombinedAcls, AllOfLinesAreEachAnAndAndTogetherAnOr) {
  Registry r;
  r.define("lan", "src", {"10.0.0.0/8"});
  r.define("guests", "src", {"10.9.0.0/16"});
  r.define("social", "dstdomain", {".social.example"});
  r.define("news", "dstdomain", {".news.example"});
  auto& blocked = r.define("blocked", "all-of", {"lan", "!guests", "social"});
  r.define("blocked", "all-of", {"guests", "news"});
  EXPECT_TRUE(blocked.matches(from("10.1.1.1", "www.social.example")));
  EXPECT_FALSE(blocked.matches(from("10.9.1.1", "www.social.example")));
  EXPECT_TRUE(blocked.matches(from("10.9.1.1", "www.news.example")));
  EXPECT_FALSE(blocked.matches(from("10.1.1.1", "www.news.example")));
}

TEST(CombinedAcls, AnyOfMatchesWhenOneMemberDoes) {
  Registry r;
  r.define("a", "dstdomain", {"a.example"});
  r.define("b", "dstdomain", {"b.example"});
  auto& either = r.define("either", "any-of", {"a"});
  r.define("either", "any-of", {"b"});
  EXPECT_TRUE(either.matches(from("10.0.0.1", "a.example")));
  EXPECT_TRUE(either.matches(from("10.0.0.1", "b.example")));
  EXPECT_FALSE(either.matches(from("10.0.0.1", "c.example")));
}

TEST(CombinedAcls, MembersMustExistAndNotContainTheAclItself) {
  Registry r;
  EXPECT_THROW(r.define("x", "all-of", {"nosuch"}), std::invalid_argument);
  r.define("y", "any-of", {"all"});
  r.define("z", "all-of", {"y"});
  EXPECT_THROW(r.define("y", "any-of", {"z"}), std::invalid_argument);
}

TEST(CombinedAcls, TheDecidingMemberIsNamedAndItsNeedsAreTheCombinations) {
  Registry r;
  r.define("lan", "src", {"10.0.0.0/8"});
  r.define("kiosk", "req_header", {"X-Kiosk", "."});
  auto& both = r.define("both", "all-of", {"lan", "kiosk"});
  const Acl* last = nullptr;
  EXPECT_EQ(both.match_naming(from("10.0.0.1", "e.com"), last), AclMatch::No);
  EXPECT_EQ(last, r.acls.find("kiosk"));
  EXPECT_EQ(both.needs().request_headers.count("x-kiosk"), 1u);
}

// --- parsing in general -------------------------------------------------------------

TEST(AclParsing, NamesAreComparedWithoutCase) {
  AclRegistry registry;
  registry.add("LocalNet", "src").parse({"10.0.0.0/8"});
  ASSERT_NE(registry.find("localnet"), nullptr);
  EXPECT_EQ(registry.find("LOCALNET"), registry.find("LocalNet"));
}

TEST(AclParsing, OptionsATypeDoesNotTakeAreRefused) {
  EXPECT_THROW(make("src", {"-i", "10.0.0.0/8"}), std::invalid_argument);
  EXPECT_THROW(make("port", {"-n", "80"}), std::invalid_argument);
  EXPECT_NO_THROW(make("dstdomain", {"-n", ".example.com"}));
  EXPECT_NO_THROW(make("src", {"--", "10.0.0.0/8"}));
}

TEST(AclParsing, DstWithMinusNLooksAtAddressesWrittenInTheUrlOnly) {
  auto acl = make("dst", {"-n", "10.0.0.0/8"});
  EXPECT_FALSE(acl.needs_destinations());
  auto f = from("10.0.0.1", "10.1.2.3");
  EXPECT_TRUE(acl.matches(f));
  f.host = "internal.example";
  f.destinations = std::vector<boost::asio::ip::address>{make_address("10.1.2.3")};
  EXPECT_FALSE(acl.matches(f));
  EXPECT_TRUE(make("dst", {"10.0.0.0/8"}).matches(f));
}

// --- follow_x_forwarded_for ----------------------------------------------------------

TEST(ForwardedForWalk, StopsAtTheFirstUntrustedAddressOrAtGarbage) {
  AclRegistry registry;
  registry.add("trusted", "src").parse({"127.0.0.1", "10.0.0.0/8"});
  std::vector<AccessRule> rules(1);
  rules[0].allow = true;
  rules[0].acls.push_back({registry.find("trusted"), false});
  auto from_localhost = request();
  from_localhost.client = make_address("127.0.0.1");
  auto walk = [&](std::string_view header) { return indirect_client(rules, from_localhost, header).to_string(); };
  EXPECT_EQ(walk("192.168.1.5"), "192.168.1.5");
  EXPECT_EQ(walk("192.168.1.5, 10.1.1.1"), "192.168.1.5");
  EXPECT_EQ(walk("192.168.1.5, 8.8.8.8, 10.1.1.1"), "8.8.8.8");
  EXPECT_EQ(walk("192.168.1.5, unknown"), "127.0.0.1");
  EXPECT_EQ(walk("192.168.1.5,,  10.1.1.1 ,"), "192.168.1.5");
  EXPECT_EQ(walk("10.2.2.2, 10.1.1.1"), "10.2.2.2") << "trusted all the way: the leftmost";
  EXPECT_EQ(walk("2001:db8::1"), "2001:db8::1");
  auto from_elsewhere = from_localhost;
  from_elsewhere.client = make_address("203.0.113.9");
  EXPECT_EQ(indirect_client(rules, from_elsewhere, "192.168.1.5").to_string(), "203.0.113.9");
}

}  // namespace acl_types_test
}  // namespace cuttle

namespace cuttle {
namespace acl_types_test {

// A user's remembered addresses, for max_user_ip.
class FakeBook : public UserAddressBook {
 public:
  size_t count(std::string_view) const override { return addresses.size(); }
  void forget(std::string_view, const boost::asio::ip::address& a) override { std::erase(addresses, a.to_string()); }
  void forget_all(std::string_view) override { addresses.clear(); }
  std::vector<std::string> addresses;
};

TEST(MaxUserIpAcl, MatchesBeyondTheLimitAndForgetsAsSquid) {
  auto lenient = make("max_user_ip", {"1"});
  auto strict = make("max_user_ip", {"-s", "1"});
  FakeBook book;
  auto facts = request();
  EXPECT_EQ(lenient.match(facts), AclMatch::AuthRequired) << "it authenticates first";
  facts.auth = {AuthStatus::Accepted, "alice", &book};
  book.addresses = {"10.0.0.1", "10.0.0.7"};
  EXPECT_TRUE(strict.matches(facts));
  EXPECT_EQ(book.addresses, std::vector<std::string>{"10.0.0.1"}) << "-s forgets only this client";
  EXPECT_FALSE(lenient.matches(facts));
  book.addresses = {"10.0.0.1", "10.0.0.7"};
  EXPECT_TRUE(lenient.matches(facts));
  EXPECT_TRUE(book.addresses.empty()) << "without -s every address is forgotten";
  EXPECT_FALSE(lenient.is_auth()) << "its denial is a 403, as in Squid 5.7";
  EXPECT_THROW(make("max_user_ip", {"many"}), std::invalid_argument);
}

}  // namespace acl_types_test
}  // namespace cuttle


namespace cuttle {
namespace acl_types_test {

TEST(ArpAcl, MacsAsSquidDecodesThem) {
  EXPECT_EQ(parse_mac("00:1A:2b:3:44:55"), (Mac{0x00, 0x1a, 0x2b, 0x03, 0x44, 0x55}));
  EXPECT_EQ(parse_mac("00:11:22:33:44:55:66"), (Mac{0x00, 0x11, 0x22, 0x33, 0x44, 0x55})) << "extra fields are ignored";
  for (auto bad : {"00:11:22:33:44", "00::11:22:33:44:55", "nonsense", ""}) EXPECT_FALSE(parse_mac(bad)) << bad;
}

TEST(ArpAcl, MatchesTheClientsMacSkippingWhatIsNotOne) {
  auto acl = make("arp", {"00:11:22:33:44:55", "not-a-mac"});
  auto facts = request();
  EXPECT_FALSE(acl.matches(facts)) << "no ARP entry";
  facts.client_mac = Mac{0x00, 0x11, 0x22, 0x33, 0x44, 0x55};
  EXPECT_TRUE(acl.matches(facts));
  facts.client = boost::asio::ip::make_address("fd00::5");
  EXPECT_FALSE(acl.matches(facts)) << "IPv6 does not do ARP";
}

}  // namespace acl_types_test
}  // namespace cuttle
