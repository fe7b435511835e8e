#include "proxy/server/cache_manager_password.h"

#include "proxy/auth/basic_credentials.h"

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
  auto credentials = auth::decode_basic(authorization, /*case_sensitive=*/true);
  if (!credentials || !credentials->has_password) return std::nullopt;
  return credentials->password;
}

}  // namespace cuttle
