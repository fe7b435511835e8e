#include "proxy/http/entity_tag.h"

#include "proxy/http/header_rules.h"

namespace cuttle {
namespace {

bool is_weak(std::string_view tag) { return tag.starts_with("W/"); }
std::string_view opaque(std::string_view tag) { return is_weak(tag) ? tag.substr(2) : tag; }
bool well_formed(std::string_view tag) {
  auto o = opaque(tag);
  return o.size() >= 2 && o.front() == '"' && o.back() == '"';
}

}  // namespace

bool weak_etag_match(std::string_view a, std::string_view b) {
  a = trim(a);
  b = trim(b);
  return well_formed(a) && well_formed(b) && opaque(a) == opaque(b);
}

bool strong_etag_match(std::string_view a, std::string_view b) {
  a = trim(a);
  b = trim(b);
  return !is_weak(a) && !is_weak(b) && well_formed(a) && a == b;
}

bool etag_list_matches(std::string_view list, std::string_view etag, bool weak) {
  list = trim(list);
  if (list == "*") return true;  // any current representation: the caller has one
  // Entity-tags may contain commas only inside quotes.
  size_t start = 0;
  bool quoted = false;
  for (size_t i = 0; i <= list.size(); ++i) {
    if (i < list.size() && list[i] == '"') quoted = !quoted;
    if (i == list.size() || (list[i] == ',' && !quoted)) {
      auto item = trim(list.substr(start, i - start));
      if (!item.empty() && (weak ? weak_etag_match(item, etag) : strong_etag_match(item, etag))) return true;
      start = i + 1;
    }
  }
  return false;
}

}  // namespace cuttle
