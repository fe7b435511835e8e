#include "proxy/auth/digest_users.h"

namespace cuttle::auth {

const std::string* DigestUsers::ha1(std::string_view user, std::string_view realm) const {
  auto it = users_.find(std::pair{std::string(user), std::string(realm)});
  return it == users_.end() ? nullptr : &it->second.ha1;
}

void DigestUsers::learn(std::string_view user, std::string_view realm, std::string ha1, Clock::time_point now) {
  auto [it, added] = users_.try_emplace(std::pair{std::string(user), std::string(realm)});
  it->second.ha1 = std::move(ha1);
  if (added) it->second.learnt = now;  // as Squid: the user's age counts from when it was first learnt
}

void DigestUsers::expire(Clock::duration authenticate_ttl, Clock::time_point now) {
  std::erase_if(users_, [&](const auto& entry) { return entry.second.learnt + authenticate_ttl < now; });
}

}  // namespace cuttle::auth
