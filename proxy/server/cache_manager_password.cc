#include "proxy/server/cache_manager_password.h"

#include <boost/beast/core/detail/base64.hpp>

#include <strings.h>

namespace cuttle {

const std::string* cachemgr_password(const std::vector<CachemgrPasswd>& lines, std::string_view action) {
  for (const auto& line : lines)
    for (const auto& named : line.actions)
      if (named == action || named == "all") return &line.password;
  return nullptr;
}

ManagerAccess check_cachemgr_password(const std::vector<CachemgrPasswd>& lines, std::string_view action,
                                      const std::optional<std::string>& supplied) {
  const std::string* password = cachemgr_password(lines, action);
  if (!password || *password == "none") return ManagerAccess::Allowed;
  if (*password == "disable") return ManagerAccess::Disabled;
  if (!supplied || supplied->empty() || *supplied != *password) return ManagerAccess::Unauthorized;
  return ManagerAccess::Allowed;
}

std::string_view cachemgr_protection(const std::vector<CachemgrPasswd>& lines, std::string_view action) {
  const std::string* password = cachemgr_password(lines, action);
  if (!password || *password == "none") return "public";
  if (*password == "disable") return "disabled";
  return "protected";
}

std::optional<std::string> basic_auth_password(std::string_view authorization) {
  constexpr std::string_view kScheme = "Basic";
  if (authorization.size() <= kScheme.size() ||
      strncasecmp(authorization.data(), kScheme.data(), kScheme.size()) != 0 ||
      (authorization[kScheme.size()] != ' ' && authorization[kScheme.size()] != '\t'))
    return std::nullopt;
  auto token = authorization.substr(kScheme.size());
  token.remove_prefix(std::min(token.find_first_not_of(" \t"), token.size()));
  token = token.substr(0, token.find_first_of(" \t"));
  namespace b64 = boost::beast::detail::base64;
  std::string decoded(b64::decoded_size(token.size()), '\0');
  auto [written, read] = b64::decode(decoded.data(), token.data(), token.size());
  decoded.resize(written);
  auto colon = decoded.find(':');
  if (colon == std::string::npos) return std::nullopt;
  return decoded.substr(colon + 1);
}

}  // namespace cuttle
