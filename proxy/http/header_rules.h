// What a proxy does to headers on the way through (RFC 9110 §7.6): drop the
// hop-by-hop ones, add Via, maintain X-Forwarded-For, and refuse framing that could
// smuggle a second request past us.
#pragma once

#include "proxy/config/config.h"
#include "proxy/http/product_token.h"

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/message.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace cuttle {

namespace http = boost::beast::http;


// Removes Connection, the fields it names, and the fixed hop-by-hop set.
// Optional whitespace (spaces and tabs) cut from both ends.
std::string_view trim(std::string_view s);

// Every line of a list-valued field joined with ", " (RFC 9110 §5.3): reading
// only the first and then set() would drop the others.
std::string joined_values(const http::fields& fields, std::string_view name);

void remove_hop_by_hop(http::fields& fields);

// http_port ... connection-auth=off: the WWW-Authenticate fields offering NTLM,
// Negotiate or Kerberos (authentication tied to one connection) are removed from
// replies, as squid 5.7's buildReplyHeader does.
void remove_connection_auth_challenges(http::fields& fields);

// RFC 9110 §9.2.1: GET, HEAD, OPTIONS and TRACE. Unknown methods are unsafe.
bool is_safe_method(http::verb method);

// The media type of a Content-Type value, cut at the first ';' or blank as Squid
// logs it, so the access.log line keeps its space-separated fields.
std::string_view media_type(std::string_view content_type);

// Appends "1.1 hostname (cuttle/x.y)" to Via; `version` is the received message's.
void append_via(http::fields& fields, unsigned version, std::string_view hostname, std::string_view product);

// Applies `forwarded_for` for a request received from `client_ip`.
void apply_forwarded_for(http::fields& fields, ForwardedFor mode, std::string_view client_ip);

struct FramingProblem {
  const char* what;
  unsigned status;  // 400, or 501 for a transfer coding we do not implement
};

// Why a request's framing is refused, or nothing when it is acceptable: both
// Transfer-Encoding and Content-Length, differing Content-Length values, or a
// transfer coding other than a lone "chunked".
std::optional<FramingProblem> request_framing_problem(const http::fields& fields);

}  // namespace cuttle
