// Squid-style error responses: an HTML page naming the ERR_* code, the URL and the
// cause, plus the X-Squid-Error header that Squid's tooling and admins look for.
#pragma once

#include "proxy/http/product_token.h"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace cuttle {

namespace http = boost::beast::http;

enum class ErrorKind {
  InvalidRequest,     // 400 ERR_INVALID_REQ: malformed request line or headers
  InvalidUrl,         // 400 ERR_INVALID_URL
  ExpectationFailed,  // 417 ERR_INVALID_REQ: an Expect other than 100-continue (as Squid)
  UnsupportedHttpVersion,  // 505 ERR_UNSUP_HTTPVERSION: a request line with a major version other than 1
  AccessDenied,       // 403 ERR_ACCESS_DENIED
  MethodNotAllowed,   // 405 ERR_UNSUP_REQ (CONNECT on an accelerator port)
  HeadersTooLarge,    // 431 ERR_TOO_BIG
  BodyTooLarge,       // 413 ERR_TOO_BIG: a request body over request_body_max_size
  ReplyTooLarge,      // 403 ERR_TOO_BIG: a reply body over reply_body_max_size (as Squid)
  UnsupportedRequest, // 501 ERR_UNSUP_REQ
  // Squid's ErrorState::NewForwarding: a next hop that cannot be reached is 503.
  DnsFailure,         // 503 ERR_DNS_FAIL
  ConnectFailed,      // 503 ERR_CONNECT_FAIL
  TlsFailed,          // 503 ERR_SECURE_CONNECT_FAIL
  InvalidResponse,    // 502 ERR_INVALID_RESP
  ReadError,          // 502 ERR_READ_ERROR
  ShuttingDown,       // 503 ERR_SHUTTING_DOWN
  ConnectTimeout,     // 503 ERR_CONNECT_FAIL (errno ETIMEDOUT)
  ReadTimeout,        // 504 ERR_READ_TIMEOUT
  OnlyIfCachedMiss,   // 504 ERR_ONLY_IF_CACHED_MISS: only-if-cached and nothing usable stored
  CannotForward,      // 503 ERR_CANNOT_FORWARD: no next hop may take it (never_direct, peers down)
  ForwardingLoop,     // 403 ERR_ACCESS_DENIED: our own name is already in Via
  // 401 ERR_CACHE_MGR_ACCESS_DENIED: cachemgr_passwd wants a password; the
  // context's detail is the action, the realm of WWW-Authenticate (as Squid).
  CacheMgrAccessDenied,
  CacheMgrActionUnavailable,  // 404 ERR_INVALID_URL: an unknown or disabled cache manager action
  // ERR_CACHE_ACCESS_DENIED: credentials wanted, with the context's challenge in
  // Proxy-Authenticate (407, forward ports) or WWW-Authenticate (401, accelerator ports).
  ProxyAuthRequired,
  AuthRequired,
  GatewayFailure,  // 500 ERR_GATEWAY_FAILURE: a helper the request depends on failed
  ConflictHost,    // 409 ERR_CONFLICT_HOST: Host does not lead where the request was sent (host_verify_strict)
};

// Why a request failed, as far as the system says: the words cuttle's own pages
// show, and the values Squid's templates show (%e and %E, %I, %z).
struct ErrorDetail {
  ErrorDetail() = default;
  ErrorDetail(std::string words) : words(std::move(words)) {}
  ErrorDetail(const char* words) : words(words) {}
  std::string words;
  int sys_errno = 0;
  std::string server_ip;  // the address a connection was made or tried to
  std::string dns_error;
};

struct ErrorContext {
  std::string url;        // what the client asked for (may be empty)
  std::string client_ip;
  std::string hostname;   // visible_hostname
  std::string detail;     // the system's words for the cause (e.g. "Connection refused")
  // ProxyAuthRequired / AuthRequired: one header line per scheme, in the order
  // configured, e.g. `Basic realm="..."`.
  std::vector<std::string> challenges;
  std::string_view product = kProductToken;  // the footer's and Server's name (httpd_suppress_version_string)
  int sys_errno = 0;  // X-Squid-Error's number, as Squid sends it
};

http::status error_status(ErrorKind kind);
std::string_view error_code_name(ErrorKind kind);  // "ERR_ACCESS_DENIED"
std::vector<std::string_view> error_code_names();  // each kind's, once

// A complete response, Content-Length set; the caller decides keep-alive.
http::response<http::string_body> make_error_response(ErrorKind kind, const ErrorContext& context);

// The challenge (WWW-Authenticate, Proxy-Authenticate) a `kind` page carries,
// whoever wrote its body.
void add_error_challenges(http::response_header<>& res, ErrorKind kind, const ErrorContext& context);

}  // namespace cuttle
