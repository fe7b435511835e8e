// The reply a deny_info line gives a denial: a redirect whose URL carries
// request values (%u, %i, ...), or a page made from a Squid error template.
#pragma once

#include "proxy/config/deny_info.h"
#include "proxy/http/product_token.h"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstdint>
#include <ctime>
#include <string>

namespace cuttle {

// What Squid's %-codes of error pages and deny_info URLs name.
struct DenyPageContext {
  std::string method, url, scheme, host, path;
  uint16_t port = 0;
  unsigned client_version = 11;  // 10 or 11
  std::string client_ip, user;   // user: empty when none authenticated
  std::string hostname;          // visible_hostname
  std::string cache_mgr;
  std::time_t now = 0;
  std::string_view product = kProductToken;  // %s, and Server (httpd_suppress_version_string)
};

// The reply for a denial that would otherwise be a `status` ERR_ACCESS_DENIED;
// `info` is a redirect or a page (TCP_RESET is the caller's to do).
boost::beast::http::response<boost::beast::http::string_body> deny_info_response(const DenyInfo& info,
                                                                                unsigned status,
                                                                                const DenyPageContext& context);

// Squid's ErrorState::compile: the %-codes of `text` replaced, each value
// HTML-quoted and, in a URL, %-escaped.
std::string expand_deny_codes(std::string_view text, const DenyPageContext& context, bool in_url,
                              std::string_view page_name = "");

}  // namespace cuttle
