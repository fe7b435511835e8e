// The metadata record of one cached object as stored in the `meta` database, and
// its byte encoding. Pure code: decode() checks every length against the input
// and rejects what it does not understand, so a damaged record is a miss, never
// a crash or a wrong reply.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cuttle::store {

using Sha256 = std::array<uint8_t, 32>;

enum class RecordKind : uint8_t {
  Object = 1,      // a stored response
  VaryMarker = 2,  // "this URL varies on these request headers"; variants have their own keys
};

struct ObjectRecord {
  RecordKind kind = RecordKind::Object;
  uint64_t object_id = 0;      // names the body chunks
  uint64_t body_length = 0;
  uint32_t chunk_count = 0;
  int64_t request_time = 0;    // ms since the epoch: when the request that fetched it was sent
  int64_t response_time = 0;   // ms since the epoch: when its response header arrived
  int64_t last_access = 0;     // ms since the epoch, for LRU eviction (written back lazily)
  // Kept by the store for its replacement policy (replacement_policy.h): how often
  // the object was referenced, and its place in the eviction order.
  uint32_t refcount = 0;
  uint64_t eviction_rank = 0;
  uint16_t status = 0;
  Sha256 body_sha256{};
  std::string header_block;    // the response header as it will be served, "HTTP/1.1 200 OK\r\n...\r\n\r\n"
  std::vector<std::string> vary_headers;  // VaryMarker: the selecting request header names, lowercase
  // Not stored: set on a record committed after revalidating the one it replaces
  // (Squid then logs the replaced object's RELEASE after the new SWAPOUT, under a
  // private key; otherwise before it, under the public key). store_event.h
  bool replaces_revalidated = false;

  bool operator==(const ObjectRecord&) const = default;
};

std::string encode(const ObjectRecord& record);
std::optional<ObjectRecord> decode(std::string_view bytes);

// Keys of the `body` database: object id then chunk number, big-endian so one
// object's chunks are adjacent and ordered.
std::string chunk_key(uint64_t object_id, uint32_t chunk);

}  // namespace cuttle::store
