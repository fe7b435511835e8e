#include "proxy/log/url_escape.h"

#include <boost/url/encode.hpp>
#include <boost/url/grammar/lut_chars.hpp>

#include <optional>

namespace cuttle {

namespace {

constexpr boost::urls::grammar::lut_chars kSquidSafe =
    "!$&()*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";

constexpr boost::urls::grammar::lut_chars kSquidPartSafe =
    "!$()*+,-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";

std::optional<int> hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return std::nullopt;
}

}  // namespace

// Boost.URL's encode() requires '%' to be escaped (it asserts so), so a '%'
// kept as written splits the text into separately encoded pieces.
std::string squid_escape(std::string_view text, bool keep_percent) {
  if (!keep_percent) return boost::urls::encode(text, kSquidSafe);
  std::string out;
  for (size_t start = 0;;) {
    const auto percent = text.find('%', start);
    out += boost::urls::encode(text.substr(start, percent - start), kSquidSafe);
    if (percent == std::string_view::npos) return out;
    out += '%';
    start = percent + 1;
  }
}

std::string squid_escape_part(std::string_view text) { return boost::urls::encode(text, kSquidPartSafe); }

std::string shell_quoted(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\', out += c;
    else if (c == '\r') out += "\\r";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return text.find(' ') != std::string_view::npos ? "\"" + out + "\"" : out;
}

std::string squid_unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    out += text[i];
    if (text[i] != '%') continue;
    if (i + 1 < text.size() && text[i + 1] == '%') {
      ++i;
      continue;
    }
    if (i + 2 >= text.size()) continue;
    auto high = hex_value(text[i + 1]), low = hex_value(text[i + 2]);
    if (!high || !low || (*high << 4 | *low) == 0) continue;
    out.back() = static_cast<char>(*high << 4 | *low);
    i += 2;
  }
  return out;
}

}  // namespace cuttle
