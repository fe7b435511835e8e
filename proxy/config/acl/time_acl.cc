#include "proxy/config/acl/time_acl.h"

#include <cctype>
#include <cstdio>
#include <ctime>
#include <stdexcept>

namespace cuttle {
namespace {

constexpr uint8_t kAllWeek = 0x7F;

uint8_t day_bits(const std::string& word) {
  uint8_t bits = 0;
  for (char c : word) {
    switch (c) {
      case 'S': bits |= 1 << 0; break;
      case 'M': bits |= 1 << 1; break;
      case 'T': bits |= 1 << 2; break;
      case 'W': bits |= 1 << 3; break;
      case 'H': bits |= 1 << 4; break;
      case 'F': bits |= 1 << 5; break;
      case 'A': bits |= 1 << 6; break;
      case 'D': bits |= 0x3E; break;
      case '-': break;  // a placeholder in Squid's examples ("-MTWHF-")
      // Squid logs "Bad Day" and drops the letter; a rule quietly covering
      // other days than written is refused here.
      default: throw std::invalid_argument(std::string("bad day '") + c + "' in '" + word + "' (days: SMTWHFA, D)");
    }
  }
  return bits;
}

// "h1:m1-h2:m2" as Squid reads it: 00:00 to 23:59, or 24:00 as the end.
std::pair<int, int> minute_range(const std::string& word) {
  int h1 = -1, m1 = -1, h2 = -1, m2 = -1;
  if (std::sscanf(word.c_str(), "%d:%d-%d:%d", &h1, &m1, &h2, &m2) < 4)
    throw std::invalid_argument("bad time range '" + word + "' (expected h1:m1-h2:m2)");
  auto valid = [](int h, int m, bool end) { return (h >= 0 && h <= 23 && m >= 0 && m <= 59) || (end && h == 24 && m == 0); };
  if (!valid(h1, m1, false) || !valid(h2, m2, true)) throw std::invalid_argument("bad time range '" + word + "'");
  const int first = h1 * 60 + m1, last = h2 * 60 + m2;
  if (first > last)
    throw std::invalid_argument("reversed time range '" + word + "' (a range past midnight is two: 23:00-24:00 00:00-01:00)");
  return {first, last};
}

}  // namespace

// As Squid's ACLTimeData::parse: days written before a range apply to it (none:
// every day); days left after the last range are a span of their own, all day.
void TimeAcl::parse(const AclLine& line) {
  uint8_t days = 0;
  for (const auto& word : line.values) {
    if (!word.empty() && std::isdigit(static_cast<unsigned char>(word[0]))) {
      const auto [first, last] = minute_range(word);
      spans_.push_back({days ? days : kAllWeek, first, last});
      days = 0;
    } else {
      days |= day_bits(word);
    }
  }
  if (days) spans_.push_back({days, 0, 24 * 60});
}

AclMatch TimeAcl::match(const RequestFacts& facts) const {
  const std::time_t now = facts.now ? facts.now : std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  const int minute = local.tm_hour * 60 + local.tm_min;
  for (const auto& span : spans_)
    if ((span.weekdays & (1 << local.tm_wday)) && minute >= span.first_minute && minute <= span.last_minute)
      return AclMatch::Yes;
  return AclMatch::No;
}

}  // namespace cuttle
