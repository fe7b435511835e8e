// The Digest scheme's credentials (RFC 2617) as Squid 5.7 reads them from
// Proxy-Authorization (Authorization on accelerator ports), and the response a
// client must have computed (src/auth/digest/Config.cc decode, lib/rfc2617.c).
// Pure: no I/O, MD5 from OpenSSL.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cuttle::auth {

struct DigestCredentials {
  std::string user, realm, nonce, uri, response, qop, nc, cnonce;
  std::string algorithm = "MD5";  // MD5 or MD5-sess
  // Squid's "broken" credentials: a field missing or malformed (no user name, a
  // '"' in it, no realm, nonce or uri, a response that is not 32 characters, an
  // algorithm or qop Squid did not offer, qop without cnonce or an 8-hex-digit
  // nc, or cnonce/nc without qop). Never checked: challenged again, logged by name.
  bool broken = false;
};

// nullopt when the header is not the Digest scheme (a case-insensitive prefix).
std::optional<DigestCredentials> decode_digest(std::string_view header_value);
bool is_digest_scheme(std::string_view header_value);

// H(A1) as hex: MD5(user ":" realm ":" password); what digest helpers answer.
std::string digest_ha1(std::string_view user, std::string_view realm, std::string_view password);

// The request-digest the credentials' response must equal (compared without
// case), from the helper's H(A1) and the request's method.
std::string expected_response(const DigestCredentials& credentials, std::string_view ha1_hex, std::string_view method);

}  // namespace cuttle::auth
