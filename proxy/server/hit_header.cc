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
  if (added.mangle) added.mangle(res.base());
  res.keep_alive(added.keep_alive);
  return header_text(res);
}

}  // namespace

std::optional<HitHeaderPrefix> hit_header_prefix(const http::response_header<>& stored, bool adds_via) {
  if (stored.count(http::field::connection)) return std::nullopt;
  HitHeaderPrefix prefix;
  auto& out = prefix.text;
  out.reserve(512);
  out.append("HTTP/1.1 ");
  char number[24];
  out.append(number, std::to_chars(number, number + sizeof number, stored.result_int()).ptr);
  out += ' ';
  out.append(stored.reason());
  out.append("\r\n");
  for (const auto& field : stored) {
    if (!set_by_this_cache(field, adds_via)) {
      append_field(out, field.name_string(), field.value());
    } else if (field.name() == http::field::via && !field.value().empty()) {
      if (!prefix.stored_via.empty()) prefix.stored_via += ", ";
      prefix.stored_via.append(field.value());
    }
  }
  return prefix;
}

std::string hit_header_text(const HitHeaderPrefix& prefix, const HitAnnotations& added) {
  std::string out;
  out.reserve(prefix.text.size() + prefix.stored_via.size() + added.via_entry.size() + 3 * added.hostname.size() +
              128);
  out.append(prefix.text);
  char number[24];
  append_field(out, "Age", {number, std::to_chars(number, number + sizeof number, added.age_seconds).ptr});
  if (!added.via_entry.empty()) {
    out.append("Via: ").append(prefix.stored_via);
    if (!prefix.stored_via.empty()) out.append(", ");
    out.append(added.via_entry).append("\r\n");
  }
  out.append("X-Cache: HIT from ").append(added.hostname).append("\r\n");
  out.append("X-Cache-Lookup: HIT from ").append(added.hostname).append(":");
  out.append(number, std::to_chars(number, number + sizeof number, added.port).ptr).append("\r\n");
  out.append("Cache-Status: ").append(added.hostname).append("; hit\r\n");
  if (!added.keep_alive) out.append("Connection: close\r\n");
  out.append("\r\n");
  return out;
}

std::string hit_header_text(const http::response_header<>& stored, const HitAnnotations& added) {
  if (added.mangle) return edited_copy_text(stored, added);
  auto prefix = hit_header_prefix(stored, !added.via_entry.empty());
  return prefix ? hit_header_text(*prefix, added) : edited_copy_text(stored, added);
}

}  // namespace cuttle
