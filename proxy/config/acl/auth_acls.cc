#include "proxy/config/acl/auth_acls.h"

#include "proxy/config/ascii_case.h"

#include <algorithm>

namespace cuttle {

AclMatch authentication_answer(const AuthFacts& auth) {
  switch (auth.status) {
    case AuthStatus::None:
    case AuthStatus::Refused: return AclMatch::AuthRequired;
    case AuthStatus::Unchecked: return AclMatch::NeedsAuthentication;
    case AuthStatus::Accepted: return AclMatch::Yes;
  }
  return AclMatch::AuthRequired;
}

// As Squid's ACLUserData: -i makes every name (earlier ones too) compare without
// case; REQUIRED means any user, and names on such an ACL are dropped.
void UserAcl::parse(const AclLine& line) {
  for (const auto& value : line.values) {
    if (value == "-i" || value == "+i") {
      ignore_case_ = ignore_case_ || value == "-i";
      continue;
    }
    if (value == "REQUIRED") any_user_ = true;
    names_.push_back(value);
  }
}

AclMatch UserAcl::match(const RequestFacts& facts) const {
  const auto answer = authentication_answer(facts.auth);
  if (answer != AclMatch::Yes) return answer;
  const auto& user = facts.auth.user;
  if (any_user_) return !user.empty() && user != "-" ? AclMatch::Yes : AclMatch::No;
  auto same = [&](const std::string& name) { return ignore_case_ ? ascii_lowercase(name) == ascii_lowercase(user) : name == user; };
  return std::any_of(names_.begin(), names_.end(), same) ? AclMatch::Yes : AclMatch::No;
}

AclMatch UserRegexAcl::match(const RequestFacts& facts) const {
  const auto answer = authentication_answer(facts.auth);
  if (answer != AclMatch::Yes) return answer;
  return patterns_.search(facts.auth.user) ? AclMatch::Yes : AclMatch::No;
}

}  // namespace cuttle
