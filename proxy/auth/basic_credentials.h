// The Basic scheme's credentials (RFC 7617) as Squid 5.7 reads them from
// Proxy-Authorization (Authorization on accelerator ports): src/auth/basic/Config.cc.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cuttle::auth {

struct BasicCredentials {
  std::string user;
  std::string password;
  bool has_password = false;  // the decoded text had a colon
  // Squid's "broken" credentials: no colon, or an empty password. They are never
  // sent to the helper; the user is challenged again (407) and logged by name.
  bool broken() const { return !has_password || password.empty(); }
};

// nullopt when the header is not the Basic scheme (a case-insensitive prefix
// "basic", as Squid matches it), is not base64 (blanks are skipped, padding is
// checked), or decodes to text with CR or LF. The user name is lowercased unless
// `case_sensitive` (Squid's `casesensitive off` default). With `utf8` (Squid's
// `utf8 on`) text that is not UTF-8 is converted to it first, `accept_language`
// (the request's) choosing the legacy character set (auth/utf8_credentials.h).
std::optional<BasicCredentials> decode_basic(std::string_view header_value, bool case_sensitive, bool utf8 = false,
                                             std::string_view accept_language = {});

// Whether the header names the Basic scheme at all.
bool is_basic_scheme(std::string_view header_value);

}  // namespace cuttle::auth
