#include "proxy/http/http_date.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <ctime>
#include <string>

namespace cuttle {

std::string http_date(std::chrono::system_clock::time_point when) {
  std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  // strftime's %a/%b are locale-dependent; the protocol needs English names.
  static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
                tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

namespace {

using SystemSeconds = std::chrono::time_point<std::chrono::system_clock, std::chrono::seconds>;

// system_clock counts nanoseconds in 64 bits and ends in 2262; servers do send
// later dates ("Expires: Fri, 31 Dec 9999 ...": never). Those read as this
// instant, which leaves room for lifetime arithmetic without overflow.
constexpr SystemSeconds kLatestDate{std::chrono::sys_days{std::chrono::year{2200} / 1 / 1}};

std::chrono::system_clock::time_point clamped(SystemSeconds when) { return std::min(when, kLatestDate); }

int month_index(const char* name) {
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (int i = 0; i < 12; ++i)
    if (std::strncmp(name, months[i], 3) == 0 && name[3] == '\0') return i;
  return -1;
}

bool valid_clock(int h, int m, int s) { return h >= 0 && h < 24 && m >= 0 && m < 60 && s >= 0 && s <= 60; }

// Two digits at `p`, or -1.
int two_digits(std::string_view s, size_t p) {
  if (!std::isdigit(static_cast<unsigned char>(s[p])) || !std::isdigit(static_cast<unsigned char>(s[p + 1]))) return -1;
  return (s[p] - '0') * 10 + (s[p + 1] - '0');
}

// IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT": what every current server sends,
// parsed by position without sscanf (which was a visible share of each cache hit).
// Anything else, or an impossible calendar date, is left to the general parser.
std::optional<std::chrono::system_clock::time_point> parse_imf_fixdate(std::string_view s) {
  if (s.size() != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' || s[19] != ':' ||
      s[22] != ':' || s.substr(25) != " GMT")
    return std::nullopt;
  for (size_t i = 0; i < 3; ++i)
    if (!std::isalpha(static_cast<unsigned char>(s[i]))) return std::nullopt;
  const int day = two_digits(s, 5), century = two_digits(s, 12), years = two_digits(s, 14);
  const int h = two_digits(s, 17), m = two_digits(s, 20), sec = two_digits(s, 23);
  char month_name[4] = {s[8], s[9], s[10], '\0'};
  const int mon = month_index(month_name);
  if (day < 0 || century < 0 || years < 0 || mon < 0 || h < 0 || m < 0 || sec < 0 || !valid_clock(h, m, sec))
    return std::nullopt;
  using namespace std::chrono;
  const year_month_day date{year{century * 100 + years}, month{static_cast<unsigned>(mon + 1)},
                            std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok() || int(date.year()) < 1900) return std::nullopt;
  return clamped(sys_days{date} + hours{h} + minutes{m} + seconds{sec});
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text) {
  if (auto fast = parse_imf_fixdate(text)) return fast;
  std::string s(text.substr(0, 64));
  char weekday[16] = {}, month[4] = {}, zone[4] = {};
  int day = 0, year = 0, h = 0, m = 0, sec = 0, consumed = 0;
  std::tm tm{};
  if (std::sscanf(s.c_str(), "%3[A-Za-z], %2d %3s %4d %2d:%2d:%2d %3s%n", weekday, &day, month, &year, &h, &m, &sec,
                  zone, &consumed) == 8 &&
      consumed == static_cast<int>(s.size()) && std::strcmp(zone, "GMT") == 0) {
    // IMF-fixdate
  } else if (std::sscanf(s.c_str(), "%15[A-Za-z], %2d-%3s-%2d %2d:%2d:%2d %3s%n", weekday, &day, month, &year, &h,
                         &m, &sec, zone, &consumed) == 8 &&
             consumed == static_cast<int>(s.size()) && std::strcmp(zone, "GMT") == 0) {
    // RFC 850: two-digit years; RFC 9110 says a year that looks more than 50 years
    // ahead is in the past. Fixed pivot: 70..99 -> 19xx, 00..69 -> 20xx.
    year += year < 70 ? 2000 : 1900;
  } else if (std::sscanf(s.c_str(), "%3[A-Za-z] %3s %d %2d:%2d:%2d %4d%n", weekday, month, &day, &h, &m, &sec, &year,
                         &consumed) == 7 &&
             consumed == static_cast<int>(s.size())) {
    // asctime
  } else {
    return std::nullopt;
  }
  int mon = month_index(month);
  if (mon < 0 || day < 1 || day > 31 || year < 1900 || !valid_clock(h, m, sec)) return std::nullopt;
  tm.tm_year = year - 1900;
  tm.tm_mon = mon;
  tm.tm_mday = day;
  tm.tm_hour = h;
  tm.tm_min = m;
  tm.tm_sec = sec;
  std::time_t t = timegm(&tm);
  if (t == -1) return std::nullopt;
  return clamped(SystemSeconds(std::chrono::seconds(t)));
}

}  // namespace cuttle
