// Request-level rules a proxy applies before forwarding: the protocol version of
// a request line Beast refused, Expect, and Max-Forwards for TRACE and OPTIONS.
#pragma once

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/verb.hpp>

#include <cstdint>
#include <optional>
#include <string_view>

namespace cuttle {

namespace http = boost::beast::http;

// The major version of "METHOD target HTTP/x.y" at the start of `bytes` (the
// request Beast refused with bad_version), or nothing when the line does not end
// in a well-formed HTTP-version. A major other than 1 earns 505 (RFC 9112 §2.3),
// anything else 400.
std::optional<int> request_line_major_version(std::string_view bytes);

// True when the request has an Expect that is not exactly "100-continue" (the only
// expectation defined): Squid answers 417 then, whatever else is in the list.
bool has_unsupported_expectation(const http::fields& fields);

// Max-Forwards of a TRACE or OPTIONS request (RFC 9110 §7.6.2), nothing for other
// methods or without a valid value. At 0 the proxy is the final recipient; above
// 0 it forwards the value less one.
std::optional<uint64_t> max_forwards(http::verb method, const http::fields& fields);

}  // namespace cuttle
