// Squid's cachemgr_passwd, as CacheManager::CheckPassword and PasswdGet apply it
// (squid-cache/squid src/cache_manager.cc): the first line naming the action or
// `all` decides; `none` needs no password, `disable` refuses the action (Squid
// answers 404 ERR_INVALID_URL, as for an unknown action); any other word must be
// supplied, or the answer is 401 with `WWW-Authenticate: Basic realm="ACTION"`.
// Actions no line names are public (cuttle has no password-only actions).
#pragma once

#include "proxy/config/config.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cuttle {

enum class ManagerAccess { Allowed, Unauthorized, Disabled };

// The password configured for `action`, or nullptr when no line names it.
const std::string* cachemgr_password(const std::vector<CachemgrPasswd>& lines, std::string_view action);

// Whether `supplied` (from the URL or an Authorization header) opens `action`.
ManagerAccess check_cachemgr_password(const std::vector<CachemgrPasswd>& lines, std::string_view action,
                                      const std::optional<std::string>& supplied);

// The menu's protection column: "public", "protected" or "disabled".
std::string_view cachemgr_protection(const std::vector<CachemgrPasswd>& lines, std::string_view action);

// The password of "Authorization: Basic base64(user:password)"; nothing when the
// header is absent, not Basic, or has no colon (Squid ignores such a header).
std::optional<std::string> basic_auth_password(std::string_view authorization);

}  // namespace cuttle
