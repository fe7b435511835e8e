#include "proxy/cache/not_modified_update.h"

#include "proxy/http/entity_tag.h"

#include <boost/beast/core/string.hpp>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace cuttle {
namespace {

// Fields a 304 never changes in the stored response: the body's length, coding,
// range and digests, and the ETag that identifies it (§3.2); Transfer-Encoding
// is framing; Set-Cookie is the revalidating client's (never stored).
bool kept_through_304(std::string_view name) {
  static constexpr std::string_view kKept[] = {
      "Content-Length", "Content-Range", "Content-Encoding", "Transfer-Encoding", "Content-MD5", "Digest",
      "Repr-Digest",    "Content-Digest", "ETag",            "Set-Cookie"};
  return std::any_of(std::begin(kKept), std::end(kKept),
                     [&](std::string_view k) { return boost::beast::iequals(k, name); });
}

std::string_view etag_of(const http::fields& fields) {
  auto v = fields[http::field::etag];
  return {v.data(), v.size()};
}

}  // namespace

bool not_modified_selects(const http::fields& stored, const http::fields& not_modified) {
  const auto named = etag_of(not_modified);
  if (named.empty()) return true;
  const auto own = etag_of(stored);
  return named.starts_with("W/") ? weak_etag_match(named, own) : strong_etag_match(named, own);
}

void replace_named_fields(http::fields& fields, const http::fields& with) {
  std::vector<std::string> replaced;
  for (const auto& f : with) {
    std::string name(f.name_string());
    if (std::find_if(replaced.begin(), replaced.end(), [&](const std::string& r) {
          return boost::beast::iequals(r, name);
        }) != replaced.end())
      continue;
    fields.erase(f.name_string());
    replaced.push_back(std::move(name));
  }
  for (const auto& f : with) fields.insert(f.name_string(), f.value());
}

void apply_not_modified(http::fields& stored, const http::fields& not_modified) {
  http::fields taken;
  for (const auto& f : not_modified)
    if (!kept_through_304(f.name_string())) taken.insert(f.name_string(), f.value());
  replace_named_fields(stored, taken);
}

http::fields fields_for_this_client_only(const http::fields& not_modified) {
  http::fields own;
  for (auto it = not_modified.find(http::field::set_cookie);
       it != not_modified.end() && it->name() == http::field::set_cookie; ++it)
    own.insert(http::field::set_cookie, it->value());
  return own;
}

}  // namespace cuttle
