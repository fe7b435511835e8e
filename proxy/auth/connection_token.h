// NTLM and Negotiate credentials are an opaque token the helper reads: the
// header names the scheme, the rest is relayed (Squid's "locate second word").
#pragma once

#include "proxy/auth/scheme_name.h"

#include <optional>
#include <string>
#include <string_view>

namespace cuttle::auth {

// The token after the scheme word (blanks around it skipped, everything after
// kept); nullopt when the value names another scheme.
std::optional<std::string> connection_token(std::string_view header_value, std::string_view scheme);

}  // namespace cuttle::auth
