// Bytes as lowercase hex digits (Digest's hashes and nonces, RFC 2617's HEX).
#pragma once

#include <cstddef>
#include <string>

namespace cuttle::auth {

inline std::string lowercase_hex(const unsigned char* bytes, size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * size);
  for (size_t i = 0; i < size; ++i) out += kHex[bytes[i] >> 4], out += kHex[bytes[i] & 15];
  return out;
}

}  // namespace cuttle::auth
