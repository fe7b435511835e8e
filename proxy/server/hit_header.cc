#include "proxy/server/hit_header.h"

#include "proxy/http/header_rules.h"
#include "proxy/http/header_text.h"

#include <charconv>

namespace cuttle {
namespace {

constexpr std::string_view kXCache = "X-Cache", kXCacheLookup = "X-Cache-Lookup", kCacheStatus = "Cache-Status";

bool set_by_this_cache(const http::fields::value_type& field, bool adds_via) {
  switch (field.name()) {
    case http::field::age: return true;
    case http::field::via: return adds_via;
    case http::field::unknown: {
      auto name = field.name_string();
      return beast::iequals(name, kXCache) || beast::iequals(name, kXCacheLookup) || beast::iequals(name, kCacheStatus);
    }
    default: return false;
  }
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append(": ").append(value).append("\r\n");
}

// The general way, for a stored header with a Connection field, whose tokens
// keep_alive() edits: a copy changed with Beast.
std::string edited_copy_text(const http::response_header<>& stored, const HitAnnotations& added) {
  http::response<http::empty_body> res(stored);
  res.version(11);
  res.set(http::field::age, std::to_string(added.age_seconds));
  if (!added.via_entry.empty()) {
    std::string via = joined_values(res, "Via");
    if (!via.empty()) via += ", ";
    res.set(http::field::via, via.append(added.via_entry));
  }
  const std::string host(added.hostname);
  res.set(kXCache, "HIT from " + host);
  res.set(kXCacheLookup, "HIT from " + host + ":" + std::to_string(added.port));
  res.set(kCacheStatus, host + "; hit");
  res.keep_alive(added.keep_alive);
  return header_text(res);
}

}  // namespace

std::string hit_header_text(const http::response_header<>& stored, const HitAnnotations& added) {
  if (stored.count(http::field::connection)) return edited_copy_text(stored, added);
  const bool adds_via = !added.via_entry.empty();
  std::string out;
  out.reserve(512);
  out.append("HTTP/1.1 ");
  char number[24];
  out.append(number, std::to_chars(number, number + sizeof number, stored.result_int()).ptr);
  out += ' ';
  out.append(stored.reason());
  out.append("\r\n");
  std::string via;
  for (const auto& field : stored) {
    if (!set_by_this_cache(field, adds_via)) {
      append_field(out, field.name_string(), field.value());
    } else if (field.name() == http::field::via && !field.value().empty()) {
      if (!via.empty()) via += ", ";
      via.append(field.value());
    }
  }
  append_field(out, "Age", {number, std::to_chars(number, number + sizeof number, added.age_seconds).ptr});
  if (adds_via) {
    if (!via.empty()) via += ", ";
    append_field(out, "Via", via.append(added.via_entry));
  }
  out.append("X-Cache: HIT from ").append(added.hostname).append("\r\n");
  out.append("X-Cache-Lookup: HIT from ").append(added.hostname).append(":");
  out.append(number, std::to_chars(number, number + sizeof number, added.port).ptr).append("\r\n");
  out.append("Cache-Status: ").append(added.hostname).append("; hit\r\n");
  if (!added.keep_alive) out.append("Connection: close\r\n");
  out.append("\r\n");
  return out;
}

}  // namespace cuttle
