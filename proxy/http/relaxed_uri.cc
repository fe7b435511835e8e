#include "proxy/http/relaxed_uri.h"

#include <cctype>
#include <cstdio>

namespace cuttle {
namespace {

// What RFC 3986 allows in a path and query, and '#' that ends them ('%' is
// checked apart; '[' and ']' belong to IPv6 literals only).
bool allowed_in_uri(unsigned char c) {
  if (std::isalnum(c)) return true;
  constexpr std::string_view kOthers = "-._~:/?#@!$&'()*+,;=";
  return kOthers.find(static_cast<char>(c)) != std::string_view::npos;
}

bool starts_pct_encoding(std::string_view text, size_t at) {
  return at + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[at + 1])) &&
         std::isxdigit(static_cast<unsigned char>(text[at + 2]));
}

// A byte the strict parse may see as it is (blanks and controls too: it refuses them).
bool kept_as_is(std::string_view text, size_t i) {
  const auto c = static_cast<unsigned char>(text[i]);
  const bool visible = c > 0x20 && c != 0x7F;
  return allowed_in_uri(c) || !visible || (c == '%' && starts_pct_encoding(text, i));
}

}  // namespace

std::optional<std::string> encoded_for_strict_parse(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && kept_as_is(text, i)) ++i;
  if (i == text.size()) return std::nullopt;
  std::string out(text.substr(0, i));
  out.reserve(text.size());
  for (; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (kept_as_is(text, i)) {
      out += static_cast<char>(c);
    } else {
      char escaped[4];
      std::snprintf(escaped, sizeof escaped, "%%%02X", c);
      out += escaped;
    }
  }
  return out;
}

size_t path_start(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return url.size();
  const auto start = url.find_first_of("/?#", scheme_end + 3);
  return start == std::string_view::npos ? url.size() : start;
}

std::string raw_origin_form(std::string_view text) {
  text = text.substr(0, text.find('#'));
  if (text.empty() || text.front() != '/') return "/" + std::string(text);
  return std::string(text);
}

}  // namespace cuttle
