// Squid's format specifications (logformat, url_rewrite_extras, key_extras,
// external_acl_type formats): text with embedded % codes, read into tokens as
// src/format/Token.cc reads them:
//     % [encoding] [-] [[0]width] [{arg}] code [{arg}]
// Pure parsing; what a code's value is belongs to whoever expands the tokens.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cuttle::logformat {

// How a value is protected ("encoding" in Squid's documentation).
enum class Quoting {
  None,      // the code's own default
  Quotes,    // %"  : quote and backslash \-escaped, CR LF TAB as \r \n \t
  MimeBlob,  // %[  : %, [, ], \ and bytes outside 32-126 %-encoded
  Url,       // %#  : RFC 1738 unsafe and control characters %-encoded
  Shell,     // %/  : shell-like quoting
  Raw,       // %'  : as it is
};

struct Token {
  std::string literal;  // text between codes (then `code` is empty)
  std::string code;     // the code as configured, without a namespace: ">a", "un", "LOGIN", "sni"
  std::string space;    // its namespace: "", "tls", "ssl", "adapt", "icap", "proxy_protocol"
  std::optional<std::string> arg;  // {…} before or after the code
  Quoting quoting = Quoting::None;
  bool left_aligned = false;
  bool zero_padded = false;
  std::optional<size_t> width_min, width_max;
  bool is_literal() const { return code.empty(); }
};

// Throws std::invalid_argument ("Unsupported %code: '…'") for a code Squid 5.7
// does not know, and for a header code's {argument} Squid refuses (no name, or
// a ":pseudo" name). A quote or bracket in literal text sets the default
// quoting of the codes that follow, as in Squid.
std::vector<Token> parse_format(std::string_view spec);

// Squid's Token::parse of one code at the front of `text` (which starts with
// '%'), the blank after it kept as a second, literal token: what @Squid{…} in
// an error page holds. `consumed` is how much of `text` the code took. Throws
// as parse_format does.
std::vector<Token> parse_one_code(std::string_view text, size_t& consumed);

// The {argument} of a header code (%>h, %<h, %>ha, %note…) as Squid's
// Token::parse splits it: "Name", "Name:member", or "Name:Dmember" where D, one
// of ",;:", separates the list's items (',' by default).
struct HeaderArgument {
  std::string name;
  std::optional<std::string> member;
  char separator = ',';
};
HeaderArgument header_argument(std::string_view arg);

}  // namespace cuttle::logformat
