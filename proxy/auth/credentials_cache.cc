#include "proxy/auth/credentials_cache.h"

#include <iterator>

namespace cuttle::auth {

bool CredentialsCache::accepted(std::string_view user, std::string_view password, Clock::duration ttl,
                                Clock::time_point now) const {
  auto it = entries_.find(std::string(user));
  return it != entries_.end() && it->second.password == password && now < it->second.checked + ttl;
}

void CredentialsCache::accept(std::string_view user, std::string_view password, Clock::time_point now) {
  entries_[std::string(user)] = Entry{std::string(password), now};
}

void CredentialsCache::refuse(std::string_view user) { entries_.erase(std::string(user)); }

void CredentialsCache::expire(Clock::duration authenticate_ttl, Clock::time_point now) {
  std::erase_if(entries_, [&](const auto& entry) { return entry.second.checked + authenticate_ttl <= now; });
}

}  // namespace cuttle::auth
