#include "proxy/http/request_line.h"

#include "proxy/http/header_rules.h"  // trim

#include <boost/beast/core/string.hpp>

#include <charconv>

namespace cuttle {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::optional<int> request_line_major_version(std::string_view bytes) {
  auto line = bytes.substr(0, bytes.find('\n'));
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  const auto space = line.rfind(' ');
  if (space == std::string_view::npos) return std::nullopt;
  auto version = line.substr(space + 1);
  // HTTP-version = "HTTP" "/" DIGIT "." DIGIT (case-sensitive)
  if (version.size() != 8 || !version.starts_with("HTTP/") || !is_digit(version[5]) || version[6] != '.' ||
      !is_digit(version[7]))
    return std::nullopt;
  return version[5] - '0';
}

bool has_unsupported_expectation(const http::fields& fields) {
  auto it = fields.find(http::field::expect);
  if (it == fields.end()) return false;
  bool any_member = false;
  for (; it != fields.end() && it->name() == http::field::expect; ++it) {
    std::string_view rest(it->value().data(), it->value().size());
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const auto member = trim(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      if (member.empty()) continue;
      if (!boost::beast::iequals(member, "100-continue")) return true;
      any_member = true;
    }
  }
  return !any_member;  // "Expect:" with nothing in it asks for nothing we know
}

std::optional<uint64_t> max_forwards(http::verb method, const http::fields& fields) {
  if (method != http::verb::trace && method != http::verb::options) return std::nullopt;
  auto it = fields.find(http::field::max_forwards);
  if (it == fields.end()) return std::nullopt;
  auto value = trim(std::string_view(it->value().data(), it->value().size()));
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc{} || end != value.data() + value.size() || value.empty()) return std::nullopt;
  return n;
}

}  // namespace cuttle
