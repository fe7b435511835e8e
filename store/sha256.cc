#include "store/sha256.h"

#include <openssl/evp.h>

#include <stdexcept>

namespace cuttle::store {

struct Sha256Stream::Context {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~Context() { EVP_MD_CTX_free(ctx); }
};

Sha256Stream::Sha256Stream() : context_(std::make_unique<Context>()) {
  if (!context_->ctx || EVP_DigestInit_ex(context_->ctx, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 is unavailable");
}

Sha256Stream::~Sha256Stream() = default;

void Sha256Stream::update(std::string_view data) { EVP_DigestUpdate(context_->ctx, data.data(), data.size()); }

std::string Sha256Stream::finish() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(context_->ctx, digest, &length);
  return std::string(reinterpret_cast<char*>(digest), length);
}

std::string sha256(std::string_view data) {
  Sha256Stream s;
  s.update(data);
  return s.finish();
}

}  // namespace cuttle::store
