// The store's record codec: round trips, and damaged input is rejected, never
// misread.
#include "store/object_record.h"

#include <gtest/gtest.h>

namespace cuttle::store {
namespace object_record_test {

ObjectRecord sample() {
  ObjectRecord r;
  r.object_id = 0x0102030405060708ull;
  r.body_length = 5 * 1024 * 1024 + 17;
  r.chunk_count = 21;
  r.request_time = 1700000000123;
  r.response_time = 1700000000456;
  r.last_access = 1700000009999;
  r.status = 200;
  for (size_t i = 0; i < r.body_sha256.size(); ++i) r.body_sha256[i] = static_cast<uint8_t>(i * 7);
  r.header_block = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n";
  return r;
}

TEST(ObjectRecord, RoundTripsEveryField) {
  auto r = sample();
  auto decoded = decode(encode(r));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, r);
}

TEST(ObjectRecord, VaryMarkerKeepsItsHeaderNames) {
  ObjectRecord r;
  r.kind = RecordKind::VaryMarker;
  r.vary_headers = {"accept-encoding", "accept-language"};
  auto decoded = decode(encode(r));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->kind, RecordKind::VaryMarker);
  EXPECT_EQ(decoded->vary_headers, r.vary_headers);
}

TEST(ObjectRecord, EveryTruncationIsRejected) {
  auto bytes = encode(sample());
  for (size_t n = 0; n < bytes.size(); ++n) EXPECT_FALSE(decode(bytes.substr(0, n))) << "length " << n;
}

TEST(ObjectRecord, TrailingBytesAreRejected) { EXPECT_FALSE(decode(encode(sample()) + "x")); }

TEST(ObjectRecord, WrongMagicVersionOrKindIsRejected) {
  auto bytes = encode(sample());
  auto bad_magic = bytes;
  bad_magic[0] = 'X';
  EXPECT_FALSE(decode(bad_magic));
  auto bad_version = bytes;
  bad_version[4] = 99;
  EXPECT_FALSE(decode(bad_version));
  auto bad_kind = bytes;
  bad_kind[5] = 7;
  EXPECT_FALSE(decode(bad_kind));
}

TEST(ObjectRecord, LyingLengthIsRejected) {
  auto r = sample();
  auto bytes = encode(r);
  // The header block's length field sits right before the block: claim more.
  auto at = bytes.find(r.header_block) - 4;
  bytes[at + 3] = '\x7f';
  EXPECT_FALSE(decode(bytes));
}

TEST(ObjectRecord, ChunkKeysSortByObjectThenChunk) {
  EXPECT_LT(chunk_key(1, 0xFFFFFFFF), chunk_key(2, 0));
  EXPECT_LT(chunk_key(5, 1), chunk_key(5, 2));
  EXPECT_LT(chunk_key(5, 255), chunk_key(5, 256));
  EXPECT_EQ(chunk_key(1, 2).size(), 12u);
}

}  // namespace object_record_test
}  // namespace cuttle::store
