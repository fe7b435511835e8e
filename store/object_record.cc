#include "store/object_record.h"

#include <cstring>

namespace cuttle::store {
namespace {

constexpr char kMagic[4] = {'C', 'T', 'L', 'R'};
// Version 1 records (before replacement policies) are still read: their rank is
// their last access, which is what the LRU order was.
constexpr uint8_t kFormatVersion = 2;
constexpr uint8_t kFormatWithoutRanks = 1;
constexpr size_t kMaxVaryHeaders = 64;

class Writer {
 public:
  void u8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u16(uint16_t v) { fixed(v, 2); }
  void u32(uint32_t v) { fixed(v, 4); }
  void u64(uint64_t v) { fixed(v, 8); }
  void bytes(std::string_view s) {
    u32(static_cast<uint32_t>(s.size()));
    out_.append(s);
  }
  void raw(const void* p, size_t n) { out_.append(static_cast<const char*>(p), n); }
  std::string take() { return std::move(out_); }

 private:
  void fixed(uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));  // little-endian
  }
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == in_.size(); }

  uint64_t fixed(int n) {
    if (!need(n)) return 0;
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(in_[pos_ + i])) << (8 * i);
    pos_ += n;
    return v;
  }
  std::string bytes() {
    auto n = fixed(4);
    if (!need(n)) return {};
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  void raw(void* p, size_t n) {
    if (!need(n)) return;
    std::memcpy(p, in_.data() + pos_, n);
    pos_ += n;
  }

 private:
  bool need(uint64_t n) {
    if (!ok_ || n > in_.size() - pos_) ok_ = false;
    return ok_;
  }
  std::string_view in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace

std::string encode(const ObjectRecord& r) {
  Writer w;
  w.raw(kMagic, sizeof kMagic);
  w.u8(kFormatVersion);
  w.u8(static_cast<uint8_t>(r.kind));
  w.u16(r.status);
  w.u64(r.object_id);
  w.u64(r.body_length);
  w.u32(r.chunk_count);
  w.u64(static_cast<uint64_t>(r.request_time));
  w.u64(static_cast<uint64_t>(r.response_time));
  w.u64(static_cast<uint64_t>(r.last_access));
  w.u32(r.refcount);
  w.u64(r.eviction_rank);
  w.raw(r.body_sha256.data(), r.body_sha256.size());
  w.bytes(r.header_block);
  w.u32(static_cast<uint32_t>(r.vary_headers.size()));
  for (const auto& h : r.vary_headers) w.bytes(h);
  return w.take();
}

std::optional<ObjectRecord> decode(std::string_view bytes) {
  Reader rd(bytes);
  char magic[4] = {};
  rd.raw(magic, sizeof magic);
  if (!rd.ok() || std::memcmp(magic, kMagic, sizeof magic) != 0) return std::nullopt;
  const auto version = rd.fixed(1);
  if (version != kFormatVersion && version != kFormatWithoutRanks) return std::nullopt;
  ObjectRecord r;
  auto kind = rd.fixed(1);
  if (kind != static_cast<uint8_t>(RecordKind::Object) && kind != static_cast<uint8_t>(RecordKind::VaryMarker))
    return std::nullopt;
  r.kind = static_cast<RecordKind>(kind);
  r.status = static_cast<uint16_t>(rd.fixed(2));
  r.object_id = rd.fixed(8);
  r.body_length = rd.fixed(8);
  r.chunk_count = static_cast<uint32_t>(rd.fixed(4));
  r.request_time = static_cast<int64_t>(rd.fixed(8));
  r.response_time = static_cast<int64_t>(rd.fixed(8));
  r.last_access = static_cast<int64_t>(rd.fixed(8));
  if (version == kFormatVersion) {
    r.refcount = static_cast<uint32_t>(rd.fixed(4));
    r.eviction_rank = rd.fixed(8);
  } else {
    r.refcount = 1;
    r.eviction_rank = static_cast<uint64_t>(r.last_access);
  }
  rd.raw(r.body_sha256.data(), r.body_sha256.size());
  r.header_block = rd.bytes();
  auto vary_count = rd.fixed(4);
  if (!rd.ok() || vary_count > kMaxVaryHeaders) return std::nullopt;
  for (uint64_t i = 0; i < vary_count && rd.ok(); ++i) r.vary_headers.push_back(rd.bytes());
  if (!rd.ok() || !rd.at_end()) return std::nullopt;
  return r;
}

std::string chunk_key(uint64_t object_id, uint32_t chunk) {
  std::string key(12, '\0');
  for (int i = 0; i < 8; ++i) key[i] = static_cast<char>((object_id >> (8 * (7 - i))) & 0xFF);
  for (int i = 0; i < 4; ++i) key[8 + i] = static_cast<char>((chunk >> (8 * (3 - i))) & 0xFF);
  return key;
}

}  // namespace cuttle::store
