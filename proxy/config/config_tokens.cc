#include "proxy/config/config_tokens.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <strings.h>

namespace cuttle {
namespace {

struct Unit {
  std::string_view name;
  double factor;
};

// Squid's units (src/cache_cf.cc), compared case-insensitively.
constexpr Unit kByteUnits[] = {{"byte", 1.0},        {"bytes", 1.0},      {"kb", 1024.0},
                               {"mb", 1048576.0},    {"gb", 1073741824.0}, {"kib", 1024.0},
                               {"mib", 1048576.0},   {"gib", 1073741824.0}};
// Factors in milliseconds.
constexpr Unit kTimeUnits[] = {
    {"millisecond", 1}, {"milliseconds", 1}, {"msec", 1}, {"msecs", 1}, {"ms", 1},
    {"second", 1e3}, {"seconds", 1e3}, {"sec", 1e3}, {"secs", 1e3}, {"s", 1e3},
    {"minute", 6e4}, {"minutes", 6e4}, {"min", 6e4}, {"mins", 6e4},
    {"hour", 3.6e6}, {"hours", 3.6e6}, {"day", 8.64e7}, {"days", 8.64e7},
    {"week", 6.048e8}, {"weeks", 6.048e8}, {"fortnight", 1.2096e9}, {"fortnights", 1.2096e9},
    {"month", 2.592e9}, {"months", 2.592e9}, {"year", 3.1536e10}, {"years", 3.1536e10},
    {"decade", 3.1536e11}, {"decades", 3.1536e11}};

template <size_t N>
std::optional<double> find_unit(const Unit (&units)[N], std::string_view word) {
  for (const auto& u : units)
    if (u.name.size() == word.size() && strncasecmp(u.name.data(), word.data(), word.size()) == 0) return u.factor;
  return std::nullopt;
}

// Splits "64MB" into "64" and "MB"; a bare number keeps an empty unit.
std::pair<std::string_view, std::string_view> split_number(std::string_view token) {
  size_t i = 0;
  while (i < token.size() && (std::isdigit(static_cast<unsigned char>(token[i])) || token[i] == '.')) ++i;
  return {token.substr(0, i), token.substr(i)};
}

double parse_number(std::string_view number, std::string_view whole) {
  double v = 0;
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), v);
  if (number.empty() || ec != std::errc() || end != number.data() + number.size() || v < 0 || !std::isfinite(v))
    throw DirectiveError("expected a number, got '" + std::string(whole) + "'");
  return v;
}

}  // namespace

bool is_byte_unit(std::string_view word) { return find_unit(kByteUnits, word).has_value(); }
bool is_time_unit(std::string_view word) { return find_unit(kTimeUnits, word).has_value(); }

uint64_t parse_bytes(std::string_view number, std::string_view unit) {
  double v = parse_number(number, number);
  auto factor = find_unit(kByteUnits, unit);
  if (!factor) throw DirectiveError("unknown size unit '" + std::string(unit) + "' (use bytes, KB, MB or GB)");
  double bytes = v * *factor;
  if (bytes > 9.0e18) throw DirectiveError("size " + std::string(number) + " " + std::string(unit) + " is too large");
  return static_cast<uint64_t>(bytes);
}

std::chrono::milliseconds parse_duration(std::string_view number, std::string_view unit) {
  double v = parse_number(number, number);
  auto factor = find_unit(kTimeUnits, unit);
  if (!factor) throw DirectiveError("unknown time unit '" + std::string(unit) + "' (use seconds, minutes, hours, ...)");
  double ms = v * *factor;
  if (ms > 9.0e15) throw DirectiveError("duration " + std::string(number) + " " + std::string(unit) + " is too long");
  return std::chrono::milliseconds(static_cast<int64_t>(std::llround(ms)));
}

const ConfigToken& DirectiveArgs::next(std::string_view what) {
  if (empty()) throw DirectiveError(directive_ + ": missing " + std::string(what));
  return tokens_[pos_++];
}

std::optional<ConfigToken> DirectiveArgs::next_if_any() {
  if (empty()) return std::nullopt;
  return tokens_[pos_++];
}

std::string DirectiveArgs::rest_of_line() {
  std::string text;
  while (auto t = next_if_any()) text += (text.empty() ? "" : " ") + t->text;
  return text;
}

void DirectiveArgs::expect_end() {
  if (!empty()) throw DirectiveError(directive_ + ": unexpected '" + tokens_[pos_].text + "'");
}

bool DirectiveArgs::read_on_off() {
  const auto& t = next("on|off").text;
  if (strcasecmp(t.c_str(), "on") == 0) return true;
  if (strcasecmp(t.c_str(), "off") == 0) return false;
  throw DirectiveError(directive_ + ": expected 'on' or 'off', got '" + t + "'");
}

uint64_t DirectiveArgs::read_bytes(std::string_view default_unit, bool* unit_given) {
  auto token = next("size").text;
  auto [number, unit] = split_number(token);
  // Name the whole token: "abc" would otherwise be reported as ''.
  if (number.empty()) throw DirectiveError(directive_ + ": expected a number, got '" + token + "'");
  try {
    const bool unit_follows = unit.empty() && !empty() && is_byte_unit(peek().text);
    if (unit_given) *unit_given = !unit.empty() || unit_follows;
    if (unit_follows) return parse_bytes(number, next("unit").text);
    if (unit.empty()) unit = default_unit;
    return parse_bytes(number, unit);
  } catch (const DirectiveError& e) {
    throw DirectiveError(directive_ + ": " + e.what());
  }
}

std::chrono::milliseconds DirectiveArgs::read_duration(std::string_view default_unit) {
  auto token = next("time").text;
  auto [number, unit] = split_number(token);
  if (number.empty()) throw DirectiveError(directive_ + ": expected a number, got '" + token + "'");
  try {
    if (unit.empty() && !empty() && is_time_unit(peek().text)) return parse_duration(number, next("unit").text);
    if (unit.empty()) unit = default_unit;
    return parse_duration(number, unit);
  } catch (const DirectiveError& e) {
    throw DirectiveError(directive_ + ": " + e.what());
  }
}

int64_t DirectiveArgs::read_integer(std::string_view what, int64_t min, int64_t max) {
  const auto& t = next(what).text;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || end != t.data() + t.size())
    throw DirectiveError(directive_ + ": " + std::string(what) + " must be a whole number, got '" + t + "'");
  if (v < min || v > max)
    throw DirectiveError(directive_ + ": " + std::string(what) + " must be between " + std::to_string(min) + " and " +
                         std::to_string(max) + ", got " + t);
  return v;
}

}  // namespace cuttle
