#include "proxy/server/stored_header.h"

#include "proxy/cache/cache_policy.h"
#include "proxy/http/header_text.h"
#include "proxy/server/bounded_memo.h"

namespace cuttle {
namespace {

std::optional<http::response<http::empty_body>> parse_header_block(const std::string& block) {
  http::response_parser<http::empty_body> parser;
  parser.eager(false);
  // Only the header is parsed, but Beast checks Content-Length against the body
  // limit (8 MB by default) while reading it.
  parser.body_limit(boost::none);
  error_code ec;
  parser.put(asio::buffer(block), ec);
  if (ec && ec != http::error::need_more) return std::nullopt;
  if (!parser.is_header_done()) return std::nullopt;
  return parser.release();
}

std::shared_ptr<StoredHeader> derive(std::string block, http::response<http::empty_body> message) {
  auto parsed = std::make_shared<StoredHeader>();
  parsed->block = std::move(block);
  parsed->message = std::move(message);
  parsed->timing = timing_from_headers(parsed->message, 0, {}, {});
  parsed->has_validator = parsed->message.count(http::field::etag) || parsed->message.count(http::field::last_modified);
  for (bool adds_via : {false, true}) parsed->hit_prefix[adds_via] = hit_header_prefix(parsed->message, adds_via);
  return parsed;
}

// Per worker thread, so no locking.
constexpr size_t kStoredHeaderMemoEntries = 4096;

}  // namespace

std::shared_ptr<const StoredHeader> parse_stored_header(std::string block) {
  auto message = parse_header_block(block);
  if (!message) return nullptr;
  return derive(std::move(block), std::move(*message));
}

std::shared_ptr<const StoredHeader> stored_header_of(http::response<http::empty_body> message) {
  auto block = header_text(message);
  return derive(std::move(block), std::move(message));
}

std::shared_ptr<const StoredHeader> parsed_stored_header(std::string_view key, const std::string& block) {
  thread_local BoundedMemo<StoredHeader> memo(kStoredHeaderMemoEntries);
  if (auto known = memo.find(key); known && known->block == block) return known;
  auto parsed = parse_stored_header(block);
  if (!parsed) return nullptr;
  memo.remember(key, parsed);
  return parsed;
}

}  // namespace cuttle
