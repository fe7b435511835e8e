// The nonces this proxy has issued in Digest challenges, and how often each has
// been used (Squid's nonce cache, src/auth/digest/Config.cc): a nonce is good
// until nonce_max_duration after it was issued and for nonce_max_count uses, its
// nonce-count must grow (check_nonce_count; exactly by one with
// nonce_strictness). Shared by every worker (a client's next connection may land
// on another), so each call takes a lock; only Digest requests pay it.
#pragma once

#include "proxy/config/auth_config.h"

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace cuttle::auth {

using NonceRules = DigestNonceRules;

class DigestNonces {
 public:
  using Clock = std::chrono::system_clock;

  // A new nonce (32 hex digits, unpredictable), remembered from `now`.
  std::string issue(Clock::time_point now);
  bool known(std::string_view nonce) const;
  // Squid's authDigestNonceIsValid: counts this use (nc, 8 hex digits) and says
  // whether the nonce may still be used. A nonce found invalid stays invalid.
  bool use(std::string_view nonce, std::string_view nc, const NonceRules& rules, Clock::time_point now);
  // Forgets a nonce (Squid purges a stale one once the user proved the password).
  void forget(std::string_view nonce);
  // Squid's nonce garbage collection: every stale or invalid nonce goes.
  void collect(const NonceRules& rules, Clock::time_point now);

  // Never more nonces than this: a flood of challenges forgets the oldest.
  static constexpr size_t kMaxNonces = 1 << 20;

 private:
  struct Nonce {
    Clock::time_point issued;
    unsigned long count = 0;  // the last nonce-count seen
    bool valid = true;
  };
  static bool stale(Nonce& n, const NonceRules& rules, Clock::time_point now);

  mutable std::mutex mutex_;
  std::unordered_map<std::string, Nonce> nonces_;
  std::deque<std::string> order_;  // as issued
};

}  // namespace cuttle::auth
