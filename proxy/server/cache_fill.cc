#include "proxy/server/cache_fill.h"

#include "proxy/cache/cache_policy.h"
#include "proxy/http/header_text.h"

namespace cuttle {
CacheFill::CacheFill(store::ObjectCache& store, std::string url, std::string method, http::fields request,
                     const RefreshPattern& pattern, std::chrono::seconds negative_ttl, bool store_set_cookie)
    : store_(store),
      url_(std::move(url)),
      method_(std::move(method)),
      request_(std::move(request)),
      pattern_(pattern),
      negative_ttl_(negative_ttl),
      store_set_cookie_(store_set_cookie),
      request_time_ms_(epoch_ms(Clock::now())) {}

bool CacheFill::start(const http::response_header<>& header, std::optional<uint64_t> content_length) {
  response_time_ms_ = epoch_ms(Clock::now());
  // cache_dir max-size / min-size (maximum_object_size, minimum_object_size).
  if (content_length && !store_.admits(*content_length)) return false;
  if (!may_store(method_, request_, header.result_int(), header, pattern_, negative_ttl_, store_set_cookie_).store)
    return false;
  header_ = header;
  drop_fields_not_to_keep(header_);
  vary_ = vary_names(header);
  writer_.emplace(store_, vary_.empty() ? url_ : variant_key(url_, vary_, request_), content_length);
  return true;
}

void CacheFill::append(std::string_view piece) {
  if (!writer_) return;
  if (!store_.fits(writer_->object_id(), writer_->body_length() + piece.size(), /*whole=*/false)) {
    writer_.reset();  // abandons what was written
    return;
  }
  writer_->append(piece);
}

void CacheFill::finish() {
  if (!writer_) return;
  if (!store_.fits(writer_->object_id(), writer_->body_length(), /*whole=*/true)) {
    writer_.reset();  // smaller than its cache_dir's min-size: abandoned
    return;
  }
  header_.erase(http::field::transfer_encoding);
  header_.set(http::field::content_length, std::to_string(writer_->body_length()));
  header_.version(11);
  store::ObjectRecord record;
  record.status = static_cast<uint16_t>(header_.result_int());
  record.header_block = header_text(header_);
  record.request_time = request_time_ms_;
  record.response_time = response_time_ms_;
  record.replaces_revalidated = revalidation_;
  // The URL's own key says which request headers select a variant; Squid
  // stores that marker first, and only once.
  if (!vary_.empty()) commit_vary_marker();
  writer_->finish(std::move(record));
  writer_.reset();
  stored_ = true;
}

void CacheFill::commit_vary_marker() {
  const auto current = store_.lookup(url_);
  if (current && current->kind == store::RecordKind::VaryMarker && current->vary_headers == vary_) return;
  store::ObjectRecord marker;
  marker.kind = store::RecordKind::VaryMarker;
  marker.object_id = store_.allocate_object_id();
  marker.vary_headers = vary_;
  marker.request_time = request_time_ms_;
  marker.response_time = response_time_ms_;
  store_.commit_object(url_, std::move(marker));
}

}  // namespace cuttle
