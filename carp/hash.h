// The CARP hash functions as Squid computes them (src/carp.cc, after
// draft-vinod-carp-v1-03 §3.1-3.3): 32-bit unsigned arithmetic with wrap-around.
#pragma once

#include <cstdint>
#include <string_view>

namespace cuttle::carp {

constexpr uint32_t rotl(uint32_t x, unsigned n) { return (x << n) | (x >> (32 - n)); }

// Feeds `bytes` into a running URL hash: h += rotl(h, 19) + c for each byte.
// Squid adds `char` values, which are signed on x86: a byte >= 0x80 adds c - 256.
// Squid does not restart this hash per member (see Array::scores), so callers
// pass the running value along.
constexpr uint32_t url_hash_update(uint32_t h, std::string_view bytes) {
  for (char c : bytes) h += rotl(h, 19) + static_cast<uint32_t>(static_cast<int32_t>(static_cast<signed char>(c)));
  return h;
}

constexpr uint32_t url_hash(std::string_view key) { return url_hash_update(0, key); }

// The member ("proxy") hash over the member's name: the same byte loop, then a
// multiply-add and a rotation.
constexpr uint32_t member_hash(std::string_view name) {
  uint32_t h = url_hash(name);
  h += h * 0x62531965u;
  return rotl(h, 21);
}

// The combined hash of a URL hash and a member hash; a member's score is this
// value times the member's load-factor multiplier.
constexpr uint32_t combine(uint32_t url_hash_value, uint32_t member_hash_value) {
  uint32_t x = url_hash_value ^ member_hash_value;
  x += x * 0x62531965u;
  return rotl(x, 21);
}

}  // namespace cuttle::carp
