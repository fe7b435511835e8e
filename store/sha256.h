// SHA-256 through OpenSSL's EVP interface, as raw 32-byte strings.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace cuttle::store {

inline constexpr size_t kSha256Size = 32;

std::string sha256(std::string_view data);

// Incremental hashing of a body that arrives in pieces.
class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;
  void update(std::string_view data);
  std::string finish();

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

}  // namespace cuttle::store
