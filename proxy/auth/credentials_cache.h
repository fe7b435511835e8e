// Users whose Basic credentials a helper accepted, so that their next requests
// are not asked again until credentialsttl has passed (Squid's credentials cache,
// src/auth/CredentialsCache.cc). Keyed by user name alone, as in Squid: another
// password for the same name is asked again, and a refusal is never kept.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <unordered_map>

namespace cuttle::auth {

class CredentialsCache {
 public:
  using Clock = std::chrono::steady_clock;

  // Whether `user` with `password` was accepted less than `ttl` ago.
  bool accepted(std::string_view user, std::string_view password, Clock::duration ttl, Clock::time_point now) const;
  void accept(std::string_view user, std::string_view password, Clock::time_point now);
  // A refusal: whatever was accepted for this name before no longer counts.
  void refuse(std::string_view user);
  // Squid's garbage collection (authenticate_ttl): entries checked longer ago go.
  void expire(Clock::duration authenticate_ttl, Clock::time_point now);
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string password;
    Clock::time_point checked;  // when the helper said OK (not refreshed by use, as in Squid)
  };
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace cuttle::auth
