#include "proxy/http/http_date.h"

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

int month_index(const char* name) {
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (int i = 0; i < 12; ++i)
    if (std::strncmp(name, months[i], 3) == 0 && name[3] == '\0') return i;
  return -1;
}

bool valid_clock(int h, int m, int s) { return h >= 0 && h < 24 && m >= 0 && m < 60 && s >= 0 && s <= 60; }

}  // namespace

std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text) {
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
  return std::chrono::system_clock::from_time_t(t);
}

}  // namespace cuttle
