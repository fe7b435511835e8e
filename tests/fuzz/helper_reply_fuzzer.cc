// Helper replies (what a helper program writes back) and the %-escaping of helper
// requests, from one fuzz input. Checked: parsing any line terminates and yields
// notes whose keys are made only of the characters Squid allows; a channel ID is
// only ever digits followed by the rest; escaping leaves only safe characters
// and %XX, and unescaping it gives back the original bytes (but NUL, which Squid
// never decodes). The same bytes as the credentials of a Basic Proxy-Authorization
// (what the authenticator is then asked about): encoded, they decode back to the
// user and password; as a raw header value, decoding never fails uncleanly. As a
// Digest Proxy-Authorization: credentials not "broken" have every field Squid
// requires, and the response computed for them is 32 hex digits. `utf8 on`:
// whatever the bytes and the Accept-Language, what the helper gets is valid
// UTF-8, and UTF-8 is left as it was. NTLM / Negotiate tokens: only a value
// naming the scheme has one, and it is never longer than the value.
#include "proxy/auth/basic_credentials.h"
#include "proxy/auth/connection_token.h"
#include "proxy/auth/digest_credentials.h"
#include "proxy/auth/utf8_credentials.h"
#include "proxy/helpers/helper_reply.h"

#include <boost/beast/core/detail/base64.hpp>
#include "proxy/log/url_escape.h"
#include "tests/fuzz/fuzz_target.h"

#include <cctype>

using namespace cuttle;

namespace {

bool is_key_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; }

void check_reply(std::string_view line) {
  auto reply = helpers::parse_helper_reply(line);
  for (const auto& [key, value] : reply.notes) {
    (void)value;
    for (char c : key) FUZZ_CHECK(is_key_char(c) || key == "message" || key == "token" || key == "user");
  }
  FUZZ_CHECK(reply.other.size() <= line.size());
  if (auto channel = helpers::split_channel(line)) {
    FUZZ_CHECK(channel->rest.size() < line.size());
    FUZZ_CHECK(channel->rest.empty() || !std::isspace(static_cast<unsigned char>(channel->rest.front())));
  }
  std::string_view words = line;
  size_t count = 0;
  while (auto word = helpers::next_word(words)) FUZZ_CHECK(++count <= line.size());
}

void check_escape(std::string_view text) {
  auto escaped = squid_escape(text);
  for (size_t i = 0; i < escaped.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(escaped[i]);
    FUZZ_CHECK(c > 0x20 && c < 0x7f);
    if (c == '%') FUZZ_CHECK(i + 2 < escaped.size() && std::isxdigit(escaped[i + 1]) && std::isxdigit(escaped[i + 2]));
  }
  if (text.find('\0') == std::string_view::npos) FUZZ_CHECK(squid_unescape(escaped) == text);
  FUZZ_CHECK(squid_unescape(text).size() <= text.size());
}

void check_credentials(std::string_view text) {
  (void)auth::decode_basic(text, false);
  namespace b64 = boost::beast::detail::base64;
  std::string encoded(b64::encoded_size(text.size()), '\0');
  encoded.resize(b64::encode(encoded.data(), text.data(), text.size()));
  auto decoded = auth::decode_basic("Basic " + encoded, true);
  text = text.substr(0, text.find('\0'));  // Squid reads the decoded text as a C string
  const bool clean = text.find_first_of("\r\n") == std::string_view::npos;
  FUZZ_CHECK(decoded.has_value() == clean);
  if (!decoded) return;
  const auto colon = text.find(':');
  FUZZ_CHECK(decoded->user == text.substr(0, colon));
  FUZZ_CHECK(decoded->has_password == (colon != std::string_view::npos));
  if (decoded->has_password) FUZZ_CHECK(decoded->password == text.substr(colon + 1));
}

void check_digest(std::string_view text) {
  auto c = auth::decode_digest("Digest " + std::string(text));
  FUZZ_CHECK(c.has_value());
  if (c->broken) return;
  FUZZ_CHECK(!c->user.empty() && c->user.find('"') == std::string::npos);
  FUZZ_CHECK(!c->realm.empty() && !c->nonce.empty() && !c->uri.empty() && c->response.size() == 32);
  FUZZ_CHECK(c->algorithm == "MD5" || c->algorithm == "MD5-sess");
  FUZZ_CHECK(c->qop.empty() ? c->nc.empty() && c->cnonce.empty() : c->qop == "auth" && c->nc.size() == 8);
  const auto response = auth::expected_response(*c, auth::digest_ha1(c->user, c->realm, text), "GET");
  FUZZ_CHECK(response.size() == 32);
}

void check_utf8(std::string_view text, std::string_view accept_language) {
  const auto converted = auth::credentials_as_utf8(text, accept_language);
  FUZZ_CHECK(auth::is_valid_utf8(converted));
  if (auth::is_valid_utf8(text)) FUZZ_CHECK(converted == text);
  (void)auth::prefers_cp1251(accept_language);
  if (auto token = auth::connection_token(text, "ntlm")) {
    FUZZ_CHECK(auth::names_scheme(text, "ntlm"));
    FUZZ_CHECK(token->size() + 4 <= text.size());
  }
}

}  // namespace

CUTTLE_FUZZ_TARGET(helper_reply) {
  fuzz::InputReader in(data, size);
  check_reply(in.line());
  check_escape(in.rest());
  check_credentials(in.rest());
  check_digest(in.rest());
  check_utf8(in.rest(), in.rest().substr(0, in.rest().find('\n')));
  return 0;
}
