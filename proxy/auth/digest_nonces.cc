#include "proxy/auth/digest_nonces.h"

#include "proxy/auth/hex.h"

#include <openssl/rand.h>

#include <cstdlib>
#include <stdexcept>

namespace cuttle::auth {

namespace {

std::string random_hex() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("no random bytes for a Digest nonce");
  return lowercase_hex(bytes, sizeof bytes);
}

}  // namespace

std::string DigestNonces::issue(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  // The oldest issued go first (some in `order_` may be gone already).
  while (nonces_.size() >= kMaxNonces && !order_.empty()) {
    nonces_.erase(order_.front());
    order_.pop_front();
  }
  if (order_.size() > 2 * kMaxNonces) std::erase_if(order_, [&](const auto& n) { return !nonces_.contains(n); });
  for (;;) {
    auto nonce = random_hex();
    if (!nonces_.emplace(nonce, Nonce{now}).second) continue;
    order_.push_back(nonce);
    return nonce;
  }
}

bool DigestNonces::known(std::string_view nonce) const {
  std::lock_guard lock(mutex_);
  return nonces_.contains(std::string(nonce));
}

bool DigestNonces::stale(Nonce& n, const NonceRules& rules, Clock::time_point now) {
  if (!n.valid) return true;
  // As Squid: past its duration, or used more often than allowed (or about to overflow).
  if (n.issued + rules.max_duration < now || n.count > 99999998 || n.count > rules.max_count) n.valid = false;
  return !n.valid;
}

bool DigestNonces::use(std::string_view nonce, std::string_view nc, const NonceRules& rules, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto it = nonces_.find(std::string(nonce));
  if (it == nonces_.end()) return false;
  Nonce& n = it->second;
  if (!n.valid) return false;
  unsigned long count = std::strtoul(std::string(nc).c_str(), nullptr, 16);
  if (!rules.check_count) count = n.count + 1;  // the client's nc is ignored
  if ((rules.strictness && count != n.count + 1) || count < n.count + 1) {
    n.valid = false;
    return false;
  }
  n.count = count;
  return !stale(n, rules, now);
}

void DigestNonces::forget(std::string_view nonce) {
  std::lock_guard lock(mutex_);
  nonces_.erase(std::string(nonce));
}

void DigestNonces::collect(const NonceRules& rules, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  for (auto it = nonces_.begin(); it != nonces_.end();)
    it = stale(it->second, rules, now) ? nonces_.erase(it) : std::next(it);
}

}  // namespace cuttle::auth
