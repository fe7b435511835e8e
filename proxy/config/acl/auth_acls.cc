#include "proxy/config/acl/auth_acls.h"

#include "proxy/config/ascii_case.h"

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace cuttle {

AclMatch authentication_answer(const AuthFacts& auth) {
  switch (auth.status) {
    case AuthStatus::None:
    case AuthStatus::Refused: return AclMatch::AuthRequired;
    case AuthStatus::Unchecked: return AclMatch::NeedsAuthentication;
    case AuthStatus::Accepted: return AclMatch::Yes;
    case AuthStatus::NotApplicable: return AclMatch::No;
  }
  return AclMatch::AuthRequired;
}

void UserNames::parse(const std::vector<std::string>& values) {
  for (const auto& value : values) {
    if (value == "-i" || value == "+i") {
      ignore_case_ = ignore_case_ || value == "-i";
      continue;
    }
    if (value == "REQUIRED") any_user_ = true;
    names_.push_back(value);
  }
}

bool UserNames::matches(const std::string& user) const {
  if (any_user_) return !user.empty() && user != "-";
  auto same = [&](const std::string& name) { return ignore_case_ ? ascii_lowercase(name) == ascii_lowercase(user) : name == user; };
  return std::any_of(names_.begin(), names_.end(), same);
}

AclMatch UserAcl::match(const RequestFacts& facts) const {
  const auto answer = authentication_answer(facts.auth);
  if (answer != AclMatch::Yes) return answer;
  return names_.matches(facts.auth.user) ? AclMatch::Yes : AclMatch::No;
}

AclMatch UserRegexAcl::match(const RequestFacts& facts) const {
  const auto answer = authentication_answer(facts.auth);
  if (answer != AclMatch::Yes) return answer;
  return patterns_.search(facts.auth.user) ? AclMatch::Yes : AclMatch::No;
}

// As Squid: the first line's number counts, later lines are ignored.
void MaxUserIpAcl::parse(const AclLine& line) {
  if (maximum_ || line.values.empty()) return;
  strict_ = line.options.contains("-s");
  const auto& text = line.values.front();
  unsigned long n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n > 1000000)
    throw std::invalid_argument("max_user_ip: '" + text + "' is not a number");
  maximum_ = static_cast<unsigned>(n);
}

AclMatch MaxUserIpAcl::match(const RequestFacts& facts) const {
  const auto answer = authentication_answer(facts.auth);
  if (answer != AclMatch::Yes) return answer;
  UserAddressBook* addresses = facts.auth.addresses;
  if (!addresses || addresses->count(facts.auth.user) <= maximum_) return AclMatch::No;
  if (strict_) addresses->forget(facts.auth.user, facts.client);
  else addresses->forget_all(facts.auth.user);
  return AclMatch::Yes;
}

}  // namespace cuttle
