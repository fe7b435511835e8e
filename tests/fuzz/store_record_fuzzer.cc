// The store's object record codec. Bytes read back from LMDB may be damaged, so
// decode() must reject or accept them, never misread: an accepted record
// encodes back to exactly the input (the format has one spelling per record).
// The same bytes are also taken as the fields of a record, which must survive
// encode() then decode() unchanged. A decoded header block is read the way a
// cache hit reads it, and what cuttle would store again must read back equal.
#include "proxy/http/header_text.h"
#include "store/object_record.h"
#include "tests/fuzz/fuzz_target.h"

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>

#include <optional>

using namespace cuttle;
using cuttle::store::ObjectRecord;
using cuttle::store::RecordKind;

namespace {

// As cache_hit.cc reads a stored header block.
std::optional<http::response<http::empty_body>> parse_header_block(const std::string& block) {
  http::response_parser<http::empty_body> parser;
  parser.eager(false);
  parser.body_limit(boost::none);
  boost::system::error_code ec;
  parser.put(boost::asio::buffer(block), ec);
  if (ec && ec != http::error::need_more) return std::nullopt;
  if (!parser.is_header_done()) return std::nullopt;
  return parser.release();
}

void check_header_block(const std::string& block) {
  auto header = parse_header_block(block);
  if (!header) return;
  // A 304 refresh stores header_text() of the merged header: it must read back.
  auto rewritten = header_text(*header);
  auto again = parse_header_block(rewritten);
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(again->result_int() == header->result_int() && again->version() == header->version());
  auto i = header->begin(), j = again->begin();
  for (; i != header->end() && j != again->end(); ++i, ++j)
    FUZZ_CHECK(i->name_string() == j->name_string() && i->value() == j->value());
  FUZZ_CHECK(i == header->end() && j == again->end());
}

ObjectRecord record_from(fuzz::InputReader& in) {
  ObjectRecord r;
  r.kind = in.integer(1) % 2 ? RecordKind::VaryMarker : RecordKind::Object;
  r.object_id = in.integer(8);
  r.body_length = in.integer(8);
  r.chunk_count = static_cast<uint32_t>(in.integer(4));
  r.request_time = static_cast<int64_t>(in.integer(8));
  r.response_time = static_cast<int64_t>(in.integer(8));
  r.last_access = static_cast<int64_t>(in.integer(8));
  r.refcount = static_cast<uint32_t>(in.integer(4));
  r.eviction_rank = in.integer(8);
  r.status = static_cast<uint16_t>(in.integer(2));
  for (auto& b : r.body_sha256) b = static_cast<uint8_t>(in.integer(1));
  size_t vary_count = in.integer(1) % 8;
  for (size_t i = 0; i < vary_count && !in.empty(); ++i) r.vary_headers.emplace_back(in.line());
  r.header_block = std::string(in.rest());
  return r;
}

}  // namespace

CUTTLE_FUZZ_TARGET(store_record) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (auto decoded = store::decode(bytes)) {
    // One spelling per record in the current version; a version 1 record (before
    // replacement policies) is written back as the current version, unchanged.
    const auto encoded = store::encode(*decoded);
    if (size > 4 && bytes[4] == 1) FUZZ_CHECK(store::decode(encoded) == decoded);
    else FUZZ_CHECK(encoded == bytes);
    check_header_block(decoded->header_block);
  }

  fuzz::InputReader in(data, size);
  auto record = record_from(in);
  auto encoded = store::encode(record);
  auto back = store::decode(encoded);
  FUZZ_CHECK(back.has_value() && *back == record);
  // Damage is noticed: a record cut short or extended is never accepted.
  FUZZ_CHECK(!store::decode(std::string_view(encoded).substr(0, encoded.size() - 1)));
  FUZZ_CHECK(!store::decode(encoded + '\0'));
  return 0;
}
