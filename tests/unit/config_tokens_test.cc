// Unit-aware numbers and token reading for squid.conf directives.
#include "proxy/config/config_tokens.h"

#include <gtest/gtest.h>

namespace cuttle {
namespace config_tokens_test {

using std::chrono::milliseconds;

DirectiveArgs args(std::initializer_list<const char*> words) {
  std::vector<ConfigToken> tokens;
  for (auto w : words) tokens.push_back({w, false});
  return DirectiveArgs("test_directive", std::move(tokens));
}

std::string error_of(auto&& f) {
  try {
    f();
  } catch (const DirectiveError& e) {
    return e.what();
  }
  return "";
}

TEST(ConfigTokens, ByteUnitsArePowersOf1024) {
  EXPECT_EQ(parse_bytes("10", "bytes"), 10u);
  EXPECT_EQ(parse_bytes("1", "byte"), 1u);
  EXPECT_EQ(parse_bytes("1.5", "KB"), 1536u);
  EXPECT_EQ(parse_bytes("2", "MB"), 2u << 20);
  EXPECT_EQ(parse_bytes("3", "GB"), 3ull << 30);
  EXPECT_EQ(parse_bytes("1", "mib"), 1u << 20);
}

TEST(ConfigTokens, UnknownByteUnitIsAnError) {
  EXPECT_EQ(error_of([] { parse_bytes("1", "TB"); }), "unknown size unit 'TB' (use bytes, KB, MB or GB)");
  EXPECT_EQ(error_of([] { parse_bytes("1", ""); }), "unknown size unit '' (use bytes, KB, MB or GB)");
}

TEST(ConfigTokens, TimeUnits) {
  EXPECT_EQ(parse_duration("250", "ms"), milliseconds(250));
  EXPECT_EQ(parse_duration("2", "Seconds"), milliseconds(2000));
  EXPECT_EQ(parse_duration("0.5", "second"), milliseconds(500));
  EXPECT_EQ(parse_duration("3", "min"), milliseconds(180'000));
  EXPECT_EQ(parse_duration("1", "hours"), milliseconds(3'600'000));
  EXPECT_EQ(parse_duration("1", "year"), milliseconds(31'536'000'000));
  EXPECT_EQ(error_of([] { parse_duration("1", "eons"); }),
            "unknown time unit 'eons' (use seconds, minutes, hours, ...)");
}

TEST(ConfigTokens, NumbersMustBeNonNegativeDecimals) {
  for (auto bad : {"", "-1", "1.2.3", "x", "inf", "nan"}) {
    EXPECT_EQ(error_of([&] { parse_bytes(bad, "KB"); }), "expected a number, got '" + std::string(bad) + "'") << bad;
  }
}

TEST(ConfigTokens, UnitWordsAreRecognisedInAnyCase) {
  EXPECT_TRUE(is_byte_unit("KB"));
  EXPECT_TRUE(is_byte_unit("kb"));
  EXPECT_FALSE(is_byte_unit("seconds"));
  EXPECT_TRUE(is_time_unit("MINUTES"));
  EXPECT_FALSE(is_time_unit("MB"));
}

TEST(ConfigTokens, NextNamesTheMissingToken) {
  auto a = args({"one"});
  EXPECT_EQ(a.next("first").text, "one");
  EXPECT_TRUE(a.empty());
  EXPECT_EQ(error_of([&] { a.next("second"); }), "test_directive: missing second");
  EXPECT_FALSE(a.next_if_any().has_value());
}

TEST(ConfigTokens, ExpectEndNamesTheExtraToken) {
  auto a = args({"one", "two"});
  a.next("first");
  EXPECT_EQ(error_of([&] { a.expect_end(); }), "test_directive: unexpected 'two'");
}

TEST(ConfigTokens, ReadBytesTakesTheUnitFromTheNextTokenOnlyIfItIsAUnit) {
  auto a = args({"5", "MB"});
  EXPECT_EQ(a.read_bytes("KB"), 5u << 20);
  EXPECT_TRUE(a.empty());
  auto b = args({"5", "other"});
  EXPECT_EQ(b.read_bytes("KB"), 5u << 10);
  EXPECT_EQ(b.next("rest").text, "other");
}

TEST(ConfigTokens, ReadIntegerChecksRange) {
  auto a = args({"7"});
  EXPECT_EQ(a.read_integer("count", 1, 10), 7);
  auto b = args({"11"});
  EXPECT_EQ(error_of([&] { b.read_integer("count", 1, 10); }), "test_directive: count must be between 1 and 10, got 11");
  auto c = args({"7x"});
  EXPECT_EQ(error_of([&] { c.read_integer("count", 1, 10); }), "test_directive: count must be a whole number, got '7x'");
}

}  // namespace config_tokens_test
}  // namespace cuttle
