#include "proxy/auth/utf8_credentials.h"

#include <array>
#include <cctype>

namespace cuttle::auth {

namespace {

// Windows-1251's 0x80..0xBF as Unicode (0xC0..0xFF are U+0410..U+044F).
constexpr std::array<unsigned, 64> kCp1251High = {
    0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021, 0x20AC, 0x2030, 0x0409, 0x2039, 0x040A,
    0x040C, 0x040B, 0x040F, 0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0xFFFD, 0x2122,
    0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F, 0x00A0, 0x040E, 0x045E, 0x0408, 0x00A4, 0x0490, 0x00A6,
    0x00A7, 0x0401, 0x00A9, 0x0404, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x0407, 0x00B0, 0x00B1, 0x0406, 0x0456,
    0x0491, 0x00B5, 0x00B6, 0x00B7, 0x0451, 0x2116, 0x0454, 0x00BB, 0x0458, 0x0405, 0x0455, 0x0457};

void append_code_point(std::string& out, unsigned u) {
  if (u < 0x80) {
    out += static_cast<char>(u);
  } else if (u < 0x800) {
    out += static_cast<char>(0xC0 | (u >> 6));
    out += static_cast<char>(0x80 | (u & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (u >> 12));
    out += static_cast<char>(0x80 | ((u >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (u & 0x3F));
  }
}

// The length of the UTF-8 sequence a byte starts; 0 when it cannot start one.
size_t sequence_length(unsigned char b) {
  if (b < 0x80) return 1;
  if ((b & 0xE0) == 0xC0) return 2;
  if ((b & 0xF0) == 0xE0) return 3;
  if ((b & 0xF8) == 0xF0) return 4;
  return 0;
}

// RFC 3629's well-formed sequences: no overlong forms, no surrogates, nothing above U+10FFFF.
bool valid_sequence(const unsigned char* s, size_t length) {
  if (s[0] >= 0x80 && s[0] < 0xC2) return false;
  if (s[0] > 0xF4) return false;
  for (size_t i = 1; i < length; ++i)
    if (s[i] < 0x80 || s[i] > 0xBF) return false;
  if (length < 2) return true;
  const unsigned char second = s[1];
  switch (s[0]) {
    case 0xE0: return second >= 0xA0;
    case 0xED: return second <= 0x9F;
    case 0xF0: return second >= 0x90;
    case 0xF4: return second <= 0x8F;
    default: return true;
  }
}

// Squid's strHdrAcptLangGetItem: the next tag, lowercased ('_' read as '-'),
// up to ';', ',' or a blank; tags with other characters are skipped.
bool next_language(std::string_view header, size_t& pos, std::string& tag) {
  while (pos < header.size()) {
    while (pos < header.size() && std::isspace(static_cast<unsigned char>(header[pos]))) ++pos;
    tag.clear();
    bool invalid = false;
    for (; pos < header.size() && header[pos] != ';' && header[pos] != ',' &&
           !std::isspace(static_cast<unsigned char>(header[pos]));
         ++pos) {
      const char c = header[pos] == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(header[pos])));
      if (c != '-' && c != '*' && (c < 'a' || c > 'z')) invalid = true;
      if (!invalid) tag += c;
    }
    while (pos < header.size() && header[pos] != ',') ++pos;
    if (pos < header.size()) ++pos;
    if (!tag.empty() && !invalid) return true;
  }
  return false;
}

bool is_cyrillic_language(std::string_view tag) {
  for (std::string_view language : {"ru", "uk", "be", "bg", "sr"})
    if (tag.starts_with(language)) return true;
  return false;
}

}  // namespace

std::string latin1_to_utf8(std::string_view text) {
  std::string out;
  for (unsigned char c : text) append_code_point(out, c);
  return out;
}

std::string cp1251_to_utf8(std::string_view text) {
  std::string out;
  for (unsigned char c : text) append_code_point(out, c < 0x80 ? c : c >= 0xC0 ? 0x0350u + c : kCp1251High[c - 0x80]);
  return out;
}

bool is_valid_utf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = s + text.size();
  while (s < end) {
    const size_t length = sequence_length(*s);
    if (length == 0 || length > static_cast<size_t>(end - s) || !valid_sequence(s, length)) return false;
    s += length;
  }
  return true;
}

bool prefers_cp1251(std::string_view accept_language) {
  size_t pos = 0;
  std::string tag;
  while (next_language(accept_language, pos, tag)) {
    if (tag == "*") return false;  // the configured default language: not Cyrillic
    if (!is_cyrillic_language(tag)) continue;
    if (tag.size() > 2 && tag[2] == '-') return tag.substr(3) != "latn";
    return tag.size() == 2;  // "rux" is another language
  }
  return false;
}

std::string credentials_as_utf8(std::string_view text, std::string_view accept_language) {
  if (is_valid_utf8(text)) return std::string(text);
  return prefers_cp1251(accept_language) ? cp1251_to_utf8(text) : latin1_to_utf8(text);
}

}  // namespace cuttle::auth
