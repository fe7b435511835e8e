// The LMDB key a cache key is stored under. LMDB takes keys of at most 511
// bytes, and URLs (signed CDN links, tracking parameters) and Vary variant keys
// are often longer: a key over kKeyPrefixBytes is stored as its first
// kKeyPrefixBytes bytes, \x01 and the SHA-256 of the whole key (hex). The prefix
// keeps a URL and its variants next to each other, so removing "a URL and every
// variant" is still one range scan; for a long URL that scan also takes other
// long URLs with the same first 400 bytes (an over-eager invalidation, never a
// wrong hit).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace cuttle::store {

inline constexpr size_t kKeyPrefixBytes = 400;

std::string stored_key(std::string_view key);

// Whether the stored key `stored` is `key` (a URL) or one of its Vary variants
// ("URL\n..."), as far as stored keys tell.
bool is_key_or_variant(std::string_view stored, std::string_view key);

// The stored keys to scan for is_key_or_variant(…, key) start with this.
std::string_view variant_scan_prefix(std::string_view key);

}  // namespace cuttle::store
