// Which responses a shared cache may store and reuse (RFC 9111 §3, §4.1), and the
// keys it files them under. Plain functions over parsed headers: no I/O.
#pragma once

#include "proxy/cache/freshness.h"
#include "proxy/cache/refresh_pattern.h"

#include <boost/beast/http/fields.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace cuttle {

namespace http = boost::beast::http;

struct StoreDecision {
  bool store = false;
  const char* reason = "";  // why not, for debugging and tests
};

// RFC 9111 §3 for a shared cache, with refresh_pattern's ignore-no-store and
// ignore-private. Also refused: Vary: *, Set-Cookie unless `store_set_cookie`
// (cache_set_cookie: a per-user reply is kept out of the shared cache by
// default), and statuses cuttle does not store (206, 1xx, 5xx...).
// Squid's negatively cached errors are stored only with an explicit lifetime or
// a positive `negative_ttl`.
StoreDecision may_store(std::string_view method, const http::fields& request, unsigned status,
                        const http::fields& response, const RefreshPattern& pattern,
                        Seconds negative_ttl = Seconds(0), bool store_set_cookie = false);

// The response as a shared cache keeps it: without a Set-Cookie that a qualified
// no-cache or private names (§5.2.2.4, §5.2.2.7: not to be reused without
// revalidation, or not to be stored).
void drop_fields_not_to_keep(http::fields& response);

// The facts freshness needs, read from a stored response's header.
ResponseTiming timing_from_headers(const http::fields& response, unsigned status,
                                   Clock::time_point request_time, Clock::time_point response_time);

// Lowercase field names of Vary ("*" stays "*").
std::vector<std::string> vary_names(const http::fields& response);

// The key of one variant: the URL, then each selecting header's value as the
// request sent it (whitespace-normalized, all field lines joined).
std::string variant_key(std::string_view url, const std::vector<std::string>& names, const http::fields& request);

}  // namespace cuttle
