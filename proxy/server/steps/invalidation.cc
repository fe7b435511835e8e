#include "proxy/server/steps/invalidation.h"

#include <boost/url.hpp>

namespace cuttle {
namespace {

// `reference` resolved against `url`, when it stays within `target`'s origin:
// another origin must not be able to evict what it does not own.
std::optional<std::string> same_origin_url(const std::string& url, const RequestTarget& target,
                                           const std::string& reference) {
  auto base = boost::urls::parse_uri(url);
  auto ref = boost::urls::parse_uri_reference(reference);
  if (!base || !ref) return std::nullopt;
  boost::urls::url resolved;
  if (!boost::urls::resolve(*base, *ref, resolved)) return std::nullopt;
  auto parsed = parse_absolute_target(resolved.buffer());
  if (!parsed.target) return std::nullopt;
  const auto& other = *parsed.target;
  if (other.scheme != target.scheme || other.host != target.host || other.port != target.port) return std::nullopt;
  return other.url();
}

}  // namespace

void invalidate_after_unsafe_method(store::ObjectCache* store, const RequestTarget& target,
                                    const http::response_header<>& reply) {
  if (!store || reply.result_int() < 200 || reply.result_int() >= 400) return;
  const std::string url = target.url();
  store->remove_with_variants(url);
  for (auto field : {http::field::location, http::field::content_location}) {
    const std::string reference(reply[field]);
    if (!reference.empty())
      if (auto other = same_origin_url(url, target, reference)) store->remove_with_variants(*other);
  }
}

}  // namespace cuttle
