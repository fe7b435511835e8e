// What the verified load asks for and what the origin answers, shared by both
// sides so the client can check every byte without storing anything: an object is
// named by its path, and its body is a function of (path, version, offset).
//
//   /hot/ID/SIZE/FRAMING       fresh for an hour; the hot set (hits and Range)
//   /miss/ID/SIZE/FRAMING      fresh for an hour, each ID asked for once (misses)
//   /same/ID/SIZE/FRAMING      max-age=0, one ETag forever: every use revalidates, 304
//   /changing/ID/SIZE/FRAMING  max-age=1, a new version every kVersionPeriod: 304 while
//                              the client's ETag is current, else 200 with the new bytes
//
// FRAMING is "length" (Content-Length) or "chunked" (Transfer-Encoding: chunked).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cuttle::load {

enum class ObjectClass { Hot, Miss, Same, Changing };

struct ObjectSpec {
  ObjectClass object_class = ObjectClass::Hot;
  uint64_t id = 0;
  uint64_t size = 0;
  bool chunked = false;

  std::string path() const;
};

std::optional<ObjectSpec> parse_object_path(std::string_view path);

// How often a /changing/ object gets a new version, and which one is current.
constexpr std::chrono::milliseconds kVersionPeriod{2000};
uint64_t version_at(std::chrono::steady_clock::time_point t);

// The ETag of a version: "<version>" (strong, so Range/If-Range work).
std::string etag_of(uint64_t version);
std::optional<uint64_t> version_of_etag(std::string_view etag);

// Body bytes: a 4093-byte (prime) periodic pattern, started at an offset that
// depends on the path and version, so a byte from another object, another version
// or another offset shows as a mismatch (up to a 1-in-4093 coincidence per run).
class BodyPattern {
 public:
  static constexpr uint64_t kPeriod = 4093;
  static constexpr uint64_t kMaxRun = 64 * 1024;  // longest view bytes() returns

  BodyPattern();
  static uint64_t start_of(std::string_view path, uint64_t version);
  // Bytes [offset, offset + n) of the body that starts at `start`; n <= kMaxRun.
  std::string_view bytes(uint64_t start, uint64_t offset, uint64_t n) const;

 private:
  std::string table_;  // kPeriod + kMaxRun bytes of the pattern
};

}  // namespace cuttle::load
