#include "proxy/auth/basic_credentials.h"

#include "proxy/auth/scheme_name.h"
#include "proxy/auth/utf8_credentials.h"

#include <boost/beast/core/detail/base64.hpp>

#include <algorithm>
#include <cctype>

namespace cuttle::auth {

namespace {

bool is_base64_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/'; }

int sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  return c == '+' ? 62 : 63;
}

// Squid's decoder: blanks anywhere are skipped, every other byte must be of the
// alphabet, at most two '=' and only at the end of a whole 4-character group.
std::optional<std::string> decode_base64(std::string_view text) {
  std::string clean;
  for (char c : text)
    if (!is_space(c)) clean += c;
  size_t padding = 0;
  while (!clean.empty() && clean.back() == '=' && padding < 3) clean.pop_back(), ++padding;
  if (padding > 2 || !std::all_of(clean.begin(), clean.end(), is_base64_char)) return std::nullopt;
  const size_t leftover = clean.size() % 4;
  if (leftover == 1 || (padding > 0 && (clean.size() + padding) % 4 != 0)) return std::nullopt;
  if (leftover > 0 && !padding) return std::nullopt;
  // The bits a padded last group leaves over must be zero.
  if (leftover > 0 && (sextet(clean.back()) & (leftover == 2 ? 0x0f : 0x03)) != 0) return std::nullopt;
  namespace b64 = boost::beast::detail::base64;
  std::string decoded(b64::decoded_size(clean.size()) + 3, '\0');
  auto [written, read] = b64::decode(decoded.data(), clean.data(), clean.size());
  if (read != clean.size()) return std::nullopt;
  decoded.resize(written);
  return decoded;
}

}  // namespace

bool is_basic_scheme(std::string_view value) { return names_scheme(value, "basic"); }

std::optional<BasicCredentials> decode_basic(std::string_view value, bool case_sensitive, bool utf8,
                                             std::string_view accept_language) {
  if (!is_basic_scheme(value)) return std::nullopt;
  while (!value.empty() && is_space(value.front())) value.remove_prefix(1);
  // The scheme word, then blanks, then the token up to the first newline.
  while (!value.empty() && std::isgraph(static_cast<unsigned char>(value.front()))) value.remove_prefix(1);
  value = value.substr(0, value.find('\n'));
  auto text = decode_base64(value);
  if (!text) return std::nullopt;
  text->resize(std::min(text->size(), text->find('\0')));  // Squid reads it as a C string
  if (utf8) *text = credentials_as_utf8(*text, accept_language);
  if (text->find_first_of("\r\n") != std::string::npos) return std::nullopt;
  BasicCredentials credentials;
  const auto colon = text->find(':');
  credentials.user = text->substr(0, colon);
  credentials.has_password = colon != std::string::npos;
  if (credentials.has_password) credentials.password = text->substr(colon + 1);
  if (!case_sensitive)
    std::transform(credentials.user.begin(), credentials.user.end(), credentials.user.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return credentials;
}

}  // namespace cuttle::auth
