#include "proxy/http/error_page.h"

#include "proxy/http/header_rules.h"
#include "proxy/http/html_quote.h"
#include "proxy/http/http_date.h"

#include <algorithm>
#include <chrono>

namespace cuttle {
namespace {

struct ErrorText {
  ErrorKind kind;
  http::status status;
  std::string_view code;
  std::string_view title;
  std::string_view explanation;
};

constexpr ErrorText kErrors[] = {
    {ErrorKind::InvalidRequest, http::status::bad_request, "ERR_INVALID_REQ", "Invalid Request",
     "Some aspect of the HTTP request is invalid: the request line, a header, or the message framing."},
    {ErrorKind::InvalidUrl, http::status::bad_request, "ERR_INVALID_URL", "Invalid URL",
     "Some aspect of the requested URL is incorrect: a missing or malformed host name, or an illegal port."},
    {ErrorKind::ExpectationFailed, http::status::expectation_failed, "ERR_INVALID_REQ", "Expectation Failed",
     "The request's Expect header asks for something this cache cannot do: only 100-continue is supported."},
    {ErrorKind::UnsupportedHttpVersion, http::status::http_version_not_supported, "ERR_UNSUP_HTTPVERSION",
     "Unsupported HTTP version", "This cache speaks HTTP/1.0 and HTTP/1.1 only."},
    {ErrorKind::AccessDenied, http::status::forbidden, "ERR_ACCESS_DENIED", "Access Denied.",
     "Access control configuration prevents your request from being allowed at this time."},
    {ErrorKind::MethodNotAllowed, http::status::method_not_allowed, "ERR_UNSUP_REQ", "Method Not Allowed",
     "This port accelerates web sites; it does not open tunnels."},
    {ErrorKind::HeadersTooLarge, http::status::request_header_fields_too_large, "ERR_TOO_BIG",
     "Request Header Fields Too Large",
     "The request headers are larger than this cache accepts (request_header_max_size)."},
    {ErrorKind::BodyTooLarge, http::status::payload_too_large, "ERR_TOO_BIG", "Request Too Large",
     "The request body is larger than this cache accepts (request_body_max_size)."},
    {ErrorKind::ReplyTooLarge, http::status::forbidden, "ERR_TOO_BIG", "Reply Too Large",
     "The reply is larger than this cache lets clients receive (reply_body_max_size)."},
    {ErrorKind::UnsupportedRequest, http::status::not_implemented, "ERR_UNSUP_REQ",
     "Unsupported Request Method and Protocol", "This cache does not support the request's protocol or coding."},
    {ErrorKind::DnsFailure, http::status::service_unavailable, "ERR_DNS_FAIL", "Unable to determine IP address from host name",
     "The DNS server returned no address for this host name."},
    {ErrorKind::ConnectFailed, http::status::service_unavailable, "ERR_CONNECT_FAIL", "Connection to the server failed",
     "The remote host or network may be down. Please try the request again."},
    {ErrorKind::TlsFailed, http::status::service_unavailable, "ERR_SECURE_CONNECT_FAIL",
     "Failed to establish a secure connection to the server",
     "The server's certificate could not be verified, or the TLS handshake failed."},
    {ErrorKind::InvalidResponse, http::status::bad_gateway, "ERR_INVALID_RESP", "Invalid Response",
     "The HTTP response message received from the server could not be understood or was otherwise malformed."},
    {ErrorKind::ReadError, http::status::bad_gateway, "ERR_READ_ERROR", "Read Error",
     "The server closed the connection or failed before sending a complete response."},
    {ErrorKind::ShuttingDown, http::status::service_unavailable, "ERR_SHUTTING_DOWN", "Shutting Down",
     "This cache is in the process of shutting down and can not service your request at this time."},
    {ErrorKind::ConnectTimeout, http::status::service_unavailable, "ERR_CONNECT_FAIL", "Connection to the server timed out",
     "The server did not accept the connection within connect_timeout."},
    {ErrorKind::ReadTimeout, http::status::gateway_timeout, "ERR_READ_TIMEOUT", "Read Timeout",
     "The server did not answer within read_timeout. The network or server may be down or congested."},
    {ErrorKind::OnlyIfCachedMiss, http::status::gateway_timeout, "ERR_ONLY_IF_CACHED_MISS",
     "Valid document was not found in the cache and only-if-cached directive was specified",
     "The request asked for a cached copy only (Cache-Control: only-if-cached) and this cache holds none it may use."},
    {ErrorKind::CannotForward, http::status::service_unavailable, "ERR_CANNOT_FORWARD",
     "Unable to forward this request at this time",
     "This request could not be forwarded to the origin server or to any parent caches."},
    {ErrorKind::ForwardingLoop, http::status::forbidden, "ERR_ACCESS_DENIED", "Forwarding loop detected",
     "This request already passed through this cache (its Via header names it): forwarding it again would loop."},
    {ErrorKind::CacheMgrAccessDenied, http::status::unauthorized, "ERR_CACHE_MGR_ACCESS_DENIED",
     "Cache Manager Access Denied.",
     "This cache manager action needs the password cachemgr_passwd sets for it, and the request did not give it."},
    {ErrorKind::ProxyAuthRequired, http::status::proxy_authentication_required, "ERR_CACHE_ACCESS_DENIED",
     "Cache Access Denied.",
     "Sorry, you are not currently allowed to request this URL from this cache until you have authenticated "
     "yourself."},
    {ErrorKind::AuthRequired, http::status::unauthorized, "ERR_CACHE_ACCESS_DENIED", "Cache Access Denied.",
     "Sorry, you are not currently allowed to request this URL from this cache until you have authenticated "
     "yourself."},
    {ErrorKind::GatewayFailure, http::status::internal_server_error, "ERR_GATEWAY_FAILURE", "Gateway Failure",
     "A non-recoverable internal failure or configuration problem prevents this request from being completed."},
    {ErrorKind::ConflictHost, http::status::conflict, "ERR_CONFLICT_HOST", "URI Host Conflict",
     "The request's Host header names a server other than the one the request was sent to "
     "(host_verify_strict). Ask your browser for the page again, or contact the network's administrator."},
    {ErrorKind::CacheMgrActionUnavailable, http::status::not_found, "ERR_INVALID_URL", "Invalid URL",
     "This cache does not offer the cache manager action asked for (unknown, or disabled by cachemgr_passwd)."},
};

const ErrorText& text_for(ErrorKind kind) {
  for (const auto& e : kErrors)
    if (e.kind == kind) return e;
  return kErrors[0];
}

}  // namespace

http::status error_status(ErrorKind kind) { return text_for(kind).status; }
std::string_view error_code_name(ErrorKind kind) { return text_for(kind).code; }

std::vector<std::string_view> error_code_names() {
  std::vector<std::string_view> names;
  for (const auto& e : kErrors)
    if (std::find(names.begin(), names.end(), e.code) == names.end()) names.push_back(e.code);
  return names;
}

http::response<http::string_body> make_error_response(ErrorKind kind, const ErrorContext& c) {
  const auto& e = text_for(kind);
  auto now = http_date(std::chrono::system_clock::now());
  std::string url = html_quote(c.url);
  std::string body;
  body.reserve(2048);
  body += "<!DOCTYPE html>\n<html><head>\n<meta type=\"copyright\" content=\"cuttle\">\n"
          "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\n"
          "<title>ERROR: The requested URL could not be retrieved</title>\n"
          "<style>body{font-family:sans-serif;margin:2em}#error p{margin-left:1em}#footer{font-size:80%;color:#666}</style>\n"
          "</head><body id=\"";
  body += e.code;
  body += "\">\n<div id=\"titles\"><h1>ERROR</h1>\n<h2>The requested URL could not be retrieved</h2></div>\n<hr>\n"
          "<div id=\"content\">\n<p>The following error was encountered while trying to retrieve the URL: <a href=\"";
  body += url + "\">" + url + "</a></p>\n<blockquote id=\"error\">\n<p><b>";
  body += html_quote(e.title);
  body += "</b></p>\n</blockquote>\n<p>";
  body += html_quote(e.explanation);
  body += "</p>\n";
  if (!c.detail.empty() && kind != ErrorKind::CacheMgrAccessDenied)
    body += "<p id=\"sysmsg\">The system returned: <i>" + html_quote(c.detail) + "</i></p>\n";
  body += "<p>Your cache administrator is <a href=\"mailto:webmaster\">webmaster</a>.</p>\n<br>\n</div>\n<hr>\n"
          "<div id=\"footer\">\n<p>Generated " +
          now + " by " + html_quote(c.hostname) + " (" + std::string(c.product) + ")</p>\n</div>\n</body></html>\n";

  http::response<http::string_body> res{e.status, 11};
  res.set(http::field::server, c.product);
  res.set("Mime-Version", "1.0");
  res.set(http::field::date, now);
  res.set(http::field::content_type, "text/html;charset=utf-8");
  res.set("X-Squid-Error", std::string(e.code) + " " + std::to_string(c.sys_errno));
  res.set(http::field::vary, "Accept-Language");
  res.set(http::field::content_language, "en");
  res.set("X-Cache", "MISS from " + c.hostname);
  add_error_challenges(res.base(), kind, c);
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

void add_error_challenges(http::response_header<>& res, ErrorKind kind, const ErrorContext& c) {
  // The password depends on the action, so Squid names it as the realm.
  if (kind == ErrorKind::CacheMgrAccessDenied)
    res.set(http::field::www_authenticate, "Basic realm=\"" + c.detail + "\"");
  for (const auto& challenge : c.challenges) {
    if (kind == ErrorKind::ProxyAuthRequired) res.insert(http::field::proxy_authenticate, challenge);
    if (kind == ErrorKind::AuthRequired) res.insert(http::field::www_authenticate, challenge);
  }
}

}  // namespace cuttle
