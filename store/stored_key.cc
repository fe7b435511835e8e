#include "store/stored_key.h"

#include "store/sha256.h"

namespace cuttle::store {

std::string stored_key(std::string_view key) {
  if (key.size() <= kKeyPrefixBytes) return std::string(key);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(key.substr(0, kKeyPrefixBytes));
  out += '\x01';
  for (unsigned char byte : sha256(key)) {
    out += kHex[byte >> 4];
    out += kHex[byte & 15];
  }
  return out;
}

std::string_view variant_scan_prefix(std::string_view key) { return key.substr(0, kKeyPrefixBytes); }

bool is_key_or_variant(std::string_view stored, std::string_view key) {
  const auto prefix = variant_scan_prefix(key);
  if (!stored.starts_with(prefix)) return false;
  // A long key: only its prefix is known, anything stored under it may be it.
  if (key.size() > kKeyPrefixBytes) return true;
  if (stored.size() == key.size()) return true;
  // The key itself followed by a variant's "\n", or by the \x01 of a long
  // variant key cut right after the URL.
  return stored[key.size()] == '\n' || (key.size() == kKeyPrefixBytes && stored[key.size()] == '\x01');
}

}  // namespace cuttle::store
