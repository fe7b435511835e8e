#include "proxy/auth/user_addresses.h"

#include <algorithm>

namespace cuttle::auth {

void UserAddresses::seen(const std::string& user, const Address& address, Clock::time_point now,
                         Clock::duration ttl) {
  auto& list = users_[user];
  bool found = false;
  std::erase_if(list, [&](Seen& s) {
    if (s.address == address) {
      s.expires = now + ttl;
      found = true;
      return false;
    }
    return s.expires <= now;
  });
  if (!found) list.push_back({address, now + ttl});
}

size_t UserAddresses::count(std::string_view user) const {
  auto it = users_.find(std::string(user));
  return it == users_.end() ? 0 : it->second.size();
}

void UserAddresses::forget(std::string_view user, const Address& address) {
  auto it = users_.find(std::string(user));
  if (it != users_.end()) std::erase_if(it->second, [&](const Seen& s) { return s.address == address; });
}

void UserAddresses::forget_all(std::string_view user) { users_.erase(std::string(user)); }

void UserAddresses::expire(Clock::time_point now) {
  std::erase_if(users_, [&](const auto& entry) {
    return std::all_of(entry.second.begin(), entry.second.end(), [&](const Seen& s) { return s.expires <= now; });
  });
}

}  // namespace cuttle::auth
