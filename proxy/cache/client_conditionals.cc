#include "proxy/cache/client_conditionals.h"

#include "proxy/http/entity_tag.h"
#include "proxy/http/http_date.h"

namespace cuttle {
namespace {

std::string_view value(const http::fields& f, http::field name) {
  auto v = f[name];
  return {v.data(), v.size()};
}

std::optional<Clock::time_point> date(const http::fields& f, http::field name) {
  if (!f.count(name)) return std::nullopt;
  return parse_http_date(value(f, name));
}

}  // namespace

ClientConditional evaluate_client_conditionals(const http::fields& request, const http::fields& stored,
                                               Clock::time_point stored_response_time) {
  if (request.count(http::field::if_match) || request.count(http::field::if_unmodified_since))
    return ClientConditional::ForOrigin;
  if (request.count(http::field::if_none_match)) {
    // GET and HEAD compare weakly (RFC 9110 §13.1.2); If-Modified-Since is then ignored.
    auto etag = value(stored, http::field::etag);
    bool match = !etag.empty() && etag_list_matches(value(request, http::field::if_none_match), etag, /*weak=*/true);
    return match ? ClientConditional::NotModified : ClientConditional::Modified;
  }
  if (auto since = date(request, http::field::if_modified_since)) {
    auto modified = date(stored, http::field::last_modified);
    if (!modified) modified = date(stored, http::field::date);
    if (!modified) modified = stored_response_time;
    return *modified <= *since ? ClientConditional::NotModified : ClientConditional::Modified;
  }
  return ClientConditional::None;  // absent or an invalid date: ignored
}

bool if_range_permits(const http::fields& request, const http::fields& stored) {
  if (!request.count(http::field::if_range)) return true;
  auto condition = value(request, http::field::if_range);
  if (condition.starts_with("\"") || condition.starts_with("W/")) {
    auto etag = value(stored, http::field::etag);
    return !etag.empty() && strong_etag_match(condition, etag);
  }
  auto when = parse_http_date(condition);
  auto modified = date(stored, http::field::last_modified);
  if (!when || !modified || *when != *modified) return false;
  // A Last-Modified is a strong validator only if at least a second older than Date.
  auto generated = date(stored, http::field::date);
  return !generated || *generated - *modified >= std::chrono::seconds(1);
}

http::fields not_modified_fields(const http::fields& stored) {
  static constexpr http::field kCarried[] = {http::field::cache_control, http::field::content_location,
                                              http::field::date,          http::field::etag,
                                              http::field::expires,       http::field::last_modified,
                                              http::field::vary};
  http::fields out;
  for (auto name : kCarried)
    for (auto it = stored.find(name); it != stored.end() && it->name() == name; ++it) out.insert(name, it->value());
  return out;
}

}  // namespace cuttle
