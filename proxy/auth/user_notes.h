// The key=value notes authentication helpers answered about each user (Squid's
// Auth::User notes): kept with the user, so every later request of that user
// carries them as annotations (`note` ACLs), even when the helper is not asked.
// As Squid, a new answer replaces a key's values, except the keys a scheme
// accumulates (group and tag; nonce too for Digest); Digest's ha1 is never kept.
#pragma once

#include "proxy/config/acl/facts.h"

#include <chrono>
#include <initializer_list>
#include <string>
#include <string_view>
#include <unordered_map>

namespace cuttle::auth {

class UserNotes {
 public:
  using Clock = std::chrono::steady_clock;

  void remember(const std::string& user, const Annotations& helper_notes,
                std::initializer_list<std::string_view> appendables, Clock::time_point now);
  const Annotations* of(const std::string& user) const;
  // Users first noted longer ago than authenticate_ttl go, as Squid's users do.
  void expire(Clock::duration authenticate_ttl, Clock::time_point now);

 private:
  struct User {
    Annotations notes;
    Clock::time_point first;
  };
  std::unordered_map<std::string, User> users_;
};

}  // namespace cuttle::auth
