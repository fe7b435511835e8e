#include "proxy/cache/cache_policy.h"

#include "proxy/cache/age_field.h"
#include "proxy/http/header_rules.h"
#include "proxy/http/http_date.h"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/rfc7230.hpp>

#include <algorithm>
#include <charconv>

namespace cuttle {
namespace {

std::optional<Clock::time_point> date_field(const http::fields& fields, http::field name) {
  auto it = fields.find(name);
  if (it == fields.end()) return std::nullopt;
  return parse_http_date(std::string_view(it->value().data(), it->value().size()));
}

bool stored_status(unsigned status) {
  // Final statuses cuttle can replay whole; 206 needs range merging it lacks.
  static constexpr unsigned kCodes[] = {200, 203, 300, 301, 302, 307, 308, 410};
  return negatively_cached(status) || std::find(std::begin(kCodes), std::end(kCodes), status) != std::end(kCodes);
}

}  // namespace

StoreDecision may_store(std::string_view method, const http::fields& request, unsigned status,
                        const http::fields& response, const RefreshPattern& pattern, Seconds negative_ttl,
                        bool store_set_cookie) {
  if (method != "GET") return {false, "method is not GET"};
  if (!stored_status(status)) return {false, "status not stored"};
  auto request_cc = parse_cache_control(joined_values(request, "Cache-Control"));
  auto response_cc = parse_cache_control(joined_values(response, "Cache-Control"));
  if ((request_cc.no_store || response_cc.no_store) && !pattern.ignore_no_store) return {false, "no-store"};
  if (response_cc.is_private && !pattern.ignore_private) return {false, "private"};
  if (response_cc.must_understand && !response_cc.no_store) return {false, "must-understand"};
  if (request.count(http::field::authorization) &&
      !(response_cc.is_public || response_cc.must_revalidate || response_cc.s_maxage))
    return {false, "Authorization without public, must-revalidate or s-maxage"};
  if (response.count(http::field::set_cookie) && !store_set_cookie) return {false, "Set-Cookie"};
  auto vary = vary_names(response);
  if (std::find(vary.begin(), vary.end(), "*") != vary.end()) return {false, "Vary: *"};
  // §3: something must make it reusable: an explicit lifetime, a validator-free
  // heuristic status, or public.
  bool explicit_lifetime = response_cc.max_age || response_cc.s_maxage || response.count(http::field::expires);
  if (negatively_cached(status)) {
    if (explicit_lifetime || negative_ttl > Seconds(0)) return {true, ""};
    return {false, "an error without explicit lifetime, and negative_ttl is 0"};
  }
  if (!explicit_lifetime && !response_cc.is_public && !heuristically_cacheable(status))
    return {false, "no explicit lifetime and not heuristically cacheable"};
  return {true, ""};
}

void drop_fields_not_to_keep(http::fields& response) {
  if (!response.count(http::field::set_cookie)) return;
  const auto cc = parse_cache_control(joined_values(response, "Cache-Control"));
  for (const auto* names : {&cc.no_cache_fields, &cc.private_fields})
    if (std::find(names->begin(), names->end(), "set-cookie") != names->end()) response.erase(http::field::set_cookie);
}

ResponseTiming timing_from_headers(const http::fields& response, unsigned status, Clock::time_point request_time,
                                   Clock::time_point response_time) {
  ResponseTiming r;
  r.request_time = request_time;
  r.response_time = response_time;
  r.status = status;
  r.date = date_field(response, http::field::date);
  r.last_modified = date_field(response, http::field::last_modified);
  if (response.count(http::field::expires)) {
    r.has_expires = true;
    r.expires = date_field(response, http::field::expires);
  }
  std::vector<std::string_view> age_lines;
  for (auto it = response.find(http::field::age); it != response.end() && it->name() == http::field::age; ++it)
    age_lines.emplace_back(it->value().data(), it->value().size());
  const auto age = read_age_field(age_lines);
  r.age_header = age.value;
  r.age_trusted = age.trusted;
  r.cache_control = parse_cache_control(joined_values(response, "Cache-Control"));
  return r;
}

std::vector<std::string> vary_names(const http::fields& response) {
  std::vector<std::string> names;
  for (auto it = response.find(http::field::vary); it != response.end() && it->name() == http::field::vary; ++it)
    for (auto token : http::token_list(it->value())) {
      std::string name(token.data(), token.size());
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(std::move(name));
    }
  // A bare "*" is not a token in Beast's list grammar: look for it directly.
  auto raw = joined_values(response, "Vary");
  if (raw.find('*') != std::string::npos && std::find(names.begin(), names.end(), "*") == names.end())
    names.push_back("*");
  return names;
}

std::string variant_key(std::string_view url, const std::vector<std::string>& names, const http::fields& request) {
  std::string key(url);
  for (const auto& name : names) {
    std::string value = joined_values(request, name);
    // Collapse runs of blanks so trivially different spellings share a variant.
    std::string normalized;
    bool blank = false;
    for (char c : value) {
      if (c == ' ' || c == '\t') {
        blank = true;
        continue;
      }
      if (blank && !normalized.empty()) normalized += ' ';
      blank = false;
      normalized += c;
    }
    key += '\n';
    key += name;
    key += ':';
    key += normalized;
  }
  return key;
}

}  // namespace cuttle
