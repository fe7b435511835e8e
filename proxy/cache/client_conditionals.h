// A client's conditional GET/HEAD evaluated against a stored response (RFC 9111
// §4.3.2, RFC 9110 §13.2.2): 304 from the cache when its copy still matches.
#pragma once

#include "proxy/cache/freshness.h"

#include <boost/beast/http/fields.hpp>

namespace cuttle {

namespace http = boost::beast::http;

enum class ClientConditional {
  None,         // no condition the cache evaluates: answer as usual
  NotModified,  // If-None-Match matched, or If-Modified-Since is not older: 304
  Modified,     // a condition was evaluated and failed: the full response
  ForOrigin,    // If-Match / If-Unmodified-Since: left to the origin server
};

// `stored_response_time` stands in for a missing Date when a stored response has
// no Last-Modified (RFC 9111 §4.3.2).
ClientConditional evaluate_client_conditionals(const http::fields& request, const http::fields& stored,
                                               Clock::time_point stored_response_time);

// If-Range (RFC 9110 §13.1.5): whether a Range may be honoured. True without If-Range.
bool if_range_permits(const http::fields& request, const http::fields& stored);

// The fields a 304 carries from the stored response (RFC 9110 §15.4.5).
http::fields not_modified_fields(const http::fields& stored);

}  // namespace cuttle
