// Expands format tokens (format_tokens.h) into text as Squid's Format::assemble
// does: each code's value, "-" when it has none, protected by the token's
// encoding (or the code's default), then fitted to the token's width.
#pragma once

#include "proxy/log/format_tokens.h"

#include <functional>
#include <optional>
#include <string>

namespace cuttle::logformat {

struct Value {
  std::optional<std::string> text;  // nullopt: the code has no value here ("-")
  // Squid's "pass-through URL encoding" default for request-derived codes
  // (method, URL and its parts): RFC 1738 unsafe and control characters are
  // %-encoded, '%' is left alone. Other codes are written as they are.
  bool url_encoded_by_default = false;
};

// The value of one (non-literal) token.
using Lookup = std::function<Value(const Token&)>;

std::string expand(const std::vector<Token>& tokens, const Lookup& lookup);

}  // namespace cuttle::logformat
