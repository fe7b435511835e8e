#include "proxy/auth/digest_credentials.h"

#include "proxy/auth/hex.h"
#include "proxy/auth/scheme_name.h"
#include "proxy/config/ascii_case.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <strings.h>

namespace cuttle::auth {

namespace {

bool is_lws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && is_lws(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_lws(s.back())) s.remove_suffix(1);
  return s;
}

// Squid's strListGetItem(','): the next comma-separated item, commas inside
// double quotes (with \-escapes) not splitting it.
std::optional<std::string_view> next_item(std::string_view& list) {
  while (!list.empty() && (list.front() == ',' || is_lws(list.front()))) list.remove_prefix(1);
  if (list.empty()) return std::nullopt;
  bool quoted = false;
  size_t i = 0;
  for (; i < list.size(); ++i) {
    if (quoted && list[i] == '\\' && i + 1 < list.size()) ++i;
    else if (list[i] == '"') quoted = !quoted;
    else if (list[i] == ',' && !quoted) break;
  }
  auto item = trimmed(list.substr(0, i));
  list.remove_prefix(i);
  return item;
}

// httpHeaderParseQuotedString: the text between the quotes, \-escapes undone.
std::optional<std::string> unquoted(std::string_view v) {
  if (v.size() < 2 || v.front() != '"' || v.back() != '"') return std::nullopt;
  v = v.substr(1, v.size() - 2);
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\\' && i + 1 < v.size()) ++i;
    else if (v[i] == '"') return std::nullopt;
    out += v[i];
  }
  return out;
}

// A field's value as Squid's decode() takes it; nullopt skips the field.
std::optional<std::string> field_value(std::string_view name, std::string_view v) {
  if (v.empty()) return std::nullopt;
  const bool wrapped = v.size() > 1 && v.front() == '"' && v.back() == '"';
  // uri and domain are wrapped in quotes but never unescaped; qop may be either.
  if (name == "uri" || name == "domain") return wrapped ? std::string(v.substr(1, v.size() - 2)) : std::string();
  if (name == "qop") return std::string(wrapped ? v.substr(1, v.size() - 2) : v);
  if (v.front() == '"') return unquoted(v);
  return std::string(v);
}

void assign(DigestCredentials& c, std::string_view name, std::string value) {
  if (name == "username") c.user = std::move(value);
  else if (name == "realm") c.realm = std::move(value);
  else if (name == "qop") c.qop = std::move(value);
  else if (name == "algorithm") c.algorithm = value.empty() ? "MD5" : std::move(value);
  else if (name == "uri") c.uri = std::move(value);
  else if (name == "nonce") c.nonce = std::move(value);
  else if (name == "nc") c.nc = std::move(value);
  else if (name == "cnonce") c.cnonce = std::move(value);
  else if (name == "response") c.response = std::move(value);
}

bool is_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char ch) { return std::isxdigit(ch); });
}

// The checks of Squid's decode(), in its order.
bool is_broken(const DigestCredentials& c) {
  if (c.user.empty() || c.user.find('"') != std::string::npos) return true;
  if (c.realm.empty() || c.nonce.empty() || c.uri.empty() || c.response.size() != 32) return true;
  if (c.algorithm != "MD5" && c.algorithm != "MD5-sess") return true;
  if (!c.qop.empty()) return c.qop != "auth" || c.cnonce.empty() || c.nc.size() != 8 || !is_hex(c.nc);
  return !c.cnonce.empty() || !c.nc.empty();
}

std::string md5_hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest, &size, EVP_md5(), nullptr);
  return lowercase_hex(digest, size);
}

}  // namespace

bool is_digest_scheme(std::string_view value) {
  return names_scheme(value, "digest");
}

std::optional<DigestCredentials> decode_digest(std::string_view value) {
  if (!is_digest_scheme(value)) return std::nullopt;
  // As Squid: the scheme word, then blanks, then the fields.
  while (!value.empty() && std::isgraph(static_cast<unsigned char>(value.front()))) value.remove_prefix(1);
  DigestCredentials c;
  while (auto item = next_item(value)) {
    const auto equals = item->find('=');
    if (equals == std::string_view::npos) continue;
    const auto name = item->substr(0, equals);
    if (auto v = field_value(name, item->substr(equals + 1))) assign(c, name, std::move(*v));
  }
  c.broken = is_broken(c);
  return c;
}

std::string digest_ha1(std::string_view user, std::string_view realm, std::string_view password) {
  return md5_hex(std::string(user) + ":" + std::string(realm) + ":" + std::string(password));
}

std::string expected_response(const DigestCredentials& c, std::string_view ha1_hex, std::string_view method) {
  std::string session_key = ascii_lowercase(ha1_hex);
  if (strcasecmp(c.algorithm.c_str(), "md5-sess") == 0)
    session_key = md5_hex(session_key + ":" + c.nonce + ":" + c.cnonce);
  const auto ha2 = md5_hex(std::string(method) + ":" + c.uri);
  std::string text = session_key + ":" + c.nonce + ":";
  if (!c.qop.empty()) text += c.nc + ":" + c.cnonce + ":" + c.qop + ":";
  return md5_hex(text + ha2);
}

}  // namespace cuttle::auth
