// The header values a cache hit is shaped by, read from one fuzz input: an
// 8-byte representation length, then one line each for Range, If-Range,
// If-None-Match, If-Modified-Since, the stored ETag, Last-Modified and Date, and
// Cache-Control. Checked: resolved ranges lie inside the representation, sorted
// and apart (what the multipart writer relies on); a parsed HTTP date writes
// back and re-reads as the same instant; entity-tag comparison is symmetric and
// strong implies weak; Cache-Control values stay within delta-seconds' range;
// and the conditional verdicts agree with the pieces they are built from.
#include "proxy/cache/age_field.h"
#include "proxy/cache/cache_control.h"
#include "proxy/cache/client_conditionals.h"
#include "proxy/cache/not_modified_update.h"
#include "proxy/http/byte_ranges.h"
#include "proxy/http/entity_tag.h"
#include "proxy/http/http_date.h"
#include "tests/fuzz/fuzz_target.h"

#include <algorithm>
#include <string>

using namespace cuttle;

namespace {

void check_ranges(std::string_view header, uint64_t length) {
  auto r = resolve_ranges(header, length);
  if (r.outcome != RangeOutcome::Satisfiable) {
    FUZZ_CHECK(r.ranges.empty());
  } else {
    FUZZ_CHECK(!r.ranges.empty());
    uint64_t total = 0;
    for (size_t i = 0; i < r.ranges.size(); ++i) {
      const auto& range = r.ranges[i];
      FUZZ_CHECK(range.first <= range.last && range.last < length);
      if (i > 0) FUZZ_CHECK(range.first > r.ranges[i - 1].last + 1);  // sorted, neither touching nor overlapping
      total += range.size();
      auto text = content_range(range, length);
      FUZZ_CHECK(text == "bytes " + std::to_string(range.first) + "-" + std::to_string(range.last) + "/" +
                             std::to_string(length));
    }
    FUZZ_CHECK(total <= length);
  }
  // Optional whitespace around the value changes nothing.
  auto padded = resolve_ranges(" \t" + std::string(header) + "\t ", length);
  FUZZ_CHECK(padded.outcome == r.outcome && padded.ranges == r.ranges);
}

void check_date(std::string_view text) {
  auto when = parse_http_date(text);
  if (!when) return;
  FUZZ_CHECK(when->time_since_epoch() % std::chrono::seconds(1) == std::chrono::system_clock::duration::zero());
  auto written = http_date(*when);
  FUZZ_CHECK(written.size() == 29 && written.ends_with(" GMT"));
  auto again = parse_http_date(written);
  FUZZ_CHECK(again && *again == *when);
}

bool valid_etag(std::string_view tag) {
  if (tag.starts_with("W/")) tag.remove_prefix(2);
  if (tag.size() < 2 || tag.front() != '"' || tag.back() != '"') return false;
  auto opaque = tag.substr(1, tag.size() - 2);
  return std::all_of(opaque.begin(), opaque.end(), [](unsigned char c) { return c == 0x21 || c >= 0x23; }) &&
         opaque.find('\x7f') == std::string_view::npos;
}

void check_etags(std::string_view a, std::string_view b) {
  FUZZ_CHECK(weak_etag_match(a, b) == weak_etag_match(b, a));
  FUZZ_CHECK(strong_etag_match(a, b) == strong_etag_match(b, a));
  if (strong_etag_match(a, b)) FUZZ_CHECK(weak_etag_match(a, b));
  if (etag_list_matches(a, b, false)) FUZZ_CHECK(etag_list_matches(a, b, true));
  if (valid_etag(b)) {
    FUZZ_CHECK(etag_list_matches(b, b, true));
    FUZZ_CHECK(etag_list_matches("\"other\", " + std::string(b) + " ,", b, true));
    FUZZ_CHECK(etag_list_matches("*", b, false));
    FUZZ_CHECK(etag_list_matches(b, b, false) == !b.starts_with("W/"));
  }
}

bool within_delta_seconds(const std::optional<int64_t>& v) { return !v || (*v >= 0 && *v <= 2147483648); }

bool same(const CacheControl& a, const CacheControl& b) {
  return a.max_age == b.max_age && a.s_maxage == b.s_maxage && a.min_fresh == b.min_fresh &&
         a.max_stale == b.max_stale && a.max_stale_value == b.max_stale_value &&
         a.stale_while_revalidate == b.stale_while_revalidate && a.stale_if_error == b.stale_if_error &&
         a.no_cache == b.no_cache && a.no_store == b.no_store && a.no_transform == b.no_transform &&
         a.only_if_cached == b.only_if_cached && a.must_revalidate == b.must_revalidate &&
         a.proxy_revalidate == b.proxy_revalidate && a.must_understand == b.must_understand &&
         a.is_private == b.is_private && a.is_public == b.is_public && a.immutable == b.immutable;
}

// An Age read from any lines: within delta-seconds' range, the same whatever the
// lines' order, trusted only as one valid value (which reads back the same),
// never trusted again once another line is added.
void check_age(std::vector<std::string_view> lines) {
  const auto age = read_age_field(lines);
  if (age.value) FUZZ_CHECK(age.value->count() >= 0 && age.value->count() <= 2147483648);
  if (age.trusted && !lines.empty()) FUZZ_CHECK(lines.size() == 1 && age.value);
  std::reverse(lines.begin(), lines.end());
  const auto reversed = read_age_field(lines);
  FUZZ_CHECK(reversed.trusted == age.trusted && reversed.value == age.value);
  if (age.trusted && age.value && age.value->count() < 2147483648) {
    const auto again = read_age_field({std::to_string(age.value->count())});
    FUZZ_CHECK(again.trusted && again.value == age.value);
  }
  lines.push_back("0");
  if (lines.size() > 1) FUZZ_CHECK(!read_age_field(lines).trusted);
}

// A 304 carrying `etag` selects a stored response only by an ETag match, and
// never changes the stored ETag or the body's length.
void check_not_modified(const std::string& stored_etag, const std::string& etag) {
  http::fields stored, not_modified;
  if (!stored_etag.empty()) stored.set(http::field::etag, stored_etag);
  stored.set(http::field::content_length, "5");
  if (!etag.empty()) not_modified.set(http::field::etag, etag);
  not_modified.set(http::field::content_length, "7");
  if (not_modified_selects(stored, not_modified) && !not_modified[http::field::etag].empty())
    FUZZ_CHECK(weak_etag_match(not_modified[http::field::etag], stored[http::field::etag]));
  const std::string before(stored[http::field::etag]);
  apply_not_modified(stored, not_modified);
  FUZZ_CHECK(stored[http::field::etag] == before && stored[http::field::content_length] == "5");
}

void check_cache_control(std::string_view value) {
  auto cc = parse_cache_control(value);
  for (const auto* names : {&cc.no_cache_fields, &cc.private_fields})
    for (const auto& name : *names)
      FUZZ_CHECK(!name.empty() && std::none_of(name.begin(), name.end(), [](unsigned char c) { return std::isupper(c); }));
  for (const auto* v : {&cc.max_age, &cc.s_maxage, &cc.min_fresh, &cc.max_stale_value, &cc.stale_while_revalidate,
                        &cc.stale_if_error})
    FUZZ_CHECK(within_delta_seconds(*v));
  if (cc.max_stale_value) FUZZ_CHECK(cc.max_stale);
  // Directive names are case-insensitive; empty list elements are allowed.
  std::string upper(value);
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  FUZZ_CHECK(same(parse_cache_control(upper), cc));
  FUZZ_CHECK(same(parse_cache_control(" , ," + std::string(value)), cc));
}

// Field values as a parser hands them over: no CR, LF or NUL inside.
std::string field_value(std::string_view line) {
  std::string v(line);
  std::erase_if(v, [](char c) { return c == '\r' || c == '\0'; });
  return v;
}

void check_conditionals(const std::string& if_range, const std::string& inm, const std::string& ims,
                        const std::string& etag, const std::string& last_modified, const std::string& date) {
  http::fields stored;
  if (!etag.empty()) stored.set(http::field::etag, etag);
  if (!last_modified.empty()) stored.set(http::field::last_modified, last_modified);
  if (!date.empty()) stored.set(http::field::date, date);
  stored.set(http::field::content_type, "text/plain");
  const auto response_time = Clock::time_point(std::chrono::seconds(1'700'000'000));

  http::fields none;
  FUZZ_CHECK(evaluate_client_conditionals(none, stored, response_time) == ClientConditional::None);
  FUZZ_CHECK(if_range_permits(none, stored));

  http::fields request;
  if (!inm.empty()) request.set(http::field::if_none_match, inm);
  if (!ims.empty()) request.set(http::field::if_modified_since, ims);
  auto verdict = evaluate_client_conditionals(request, stored, response_time);
  if (!inm.empty()) {
    // Beast trims what set() is given: compare with the ETag as stored.
    const std::string_view stored_etag = stored[http::field::etag];
    bool match = !stored_etag.empty() && etag_list_matches(request[http::field::if_none_match], stored_etag, true);
    FUZZ_CHECK(verdict == (match ? ClientConditional::NotModified : ClientConditional::Modified));
  } else if (ims.empty() || !parse_http_date(request[http::field::if_modified_since])) {
    // An invalid date is ignored. Beast trims what set() is given, as a parser
    // does: judge the date as stored, not the raw bytes.
    FUZZ_CHECK(verdict == ClientConditional::None);
  } else {
    FUZZ_CHECK(verdict == ClientConditional::NotModified || verdict == ClientConditional::Modified);
  }
  request.set(http::field::if_match, "*");
  FUZZ_CHECK(evaluate_client_conditionals(request, stored, response_time) == ClientConditional::ForOrigin);

  http::fields ranged;
  ranged.set(http::field::if_range, if_range);
  bool permits = if_range_permits(ranged, stored);
  // A weak validator never permits a range (RFC 9110 §13.1.5).
  if (if_range.starts_with("W/")) FUZZ_CHECK(!permits);
  if (permits && if_range.starts_with('"')) FUZZ_CHECK(strong_etag_match(if_range, stored[http::field::etag]));

  // A 304 carries stored fields only, never Content-Type.
  auto carried = not_modified_fields(stored);
  FUZZ_CHECK(carried.count(http::field::content_type) == 0);
  for (const auto& f : carried) FUZZ_CHECK(stored[f.name()] == f.value());
}

}  // namespace

CUTTLE_FUZZ_TARGET(http_conditionals) {
  fuzz::InputReader in(data, size);
  const uint64_t length = in.integer(8);
  const auto range = field_value(in.line());
  const auto if_range = field_value(in.line());
  const auto inm = field_value(in.line());
  const auto ims = field_value(in.line());
  const auto etag = field_value(in.line());
  const auto last_modified = field_value(in.line());
  const auto date = field_value(in.line());
  const auto cache_control = field_value(in.rest());

  check_ranges(range, length);
  for (const auto* text : {&if_range, &ims, &last_modified, &date}) check_date(*text);
  check_etags(inm, etag);
  check_etags(if_range, etag);
  check_cache_control(cache_control);
  check_age({inm, etag, date});
  check_age({cache_control});
  check_not_modified(etag, inm);
  check_conditionals(if_range, inm, ims, etag, last_modified, date);
  return 0;
}
