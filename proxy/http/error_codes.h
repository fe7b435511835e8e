// The %-codes of Squid's error page templates and deny_info URLs (Squid's
// ErrorState::compileLegacyCode): what each names, quoted and escaped as Squid
// quotes and escapes it.
#pragma once

#include "proxy/http/product_token.h"
#include "proxy/log/access_log_line.h"

#include <cstdint>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace cuttle {

// What an error page or deny_info URL may show. Empty strings are "not known",
// and each code then shows what Squid shows for it ("[unknown]", "-", nothing).
struct ErrorPageFacts {
  // The request; an empty method means none was parsed.
  std::string method, url, scheme, host, path;
  uint16_t port = 0;
  unsigned client_version = 11;  // 10 or 11
  std::string request_head;      // the request line and headers as received (%R, %W)
  std::string client_ip, user;   // user: empty when none authenticated
  uint16_t listening_port = 0;   // %b: the first http_port
  std::string local_ip;          // %A: the address the client connected to
  // The failure.
  std::string page;      // %c: the template's name (ERR_CONNECT_FAIL)
  int sys_errno = 0;     // %e, %E
  std::string server_ip; // %I: the address a connection was made or tried to
  std::string dns_error; // %z
  std::string external_message;  // %o, %O: an external ACL helper's message=
  // The cache.
  std::string hostname;  // visible_hostname
  std::string cache_mgr = "webmaster";
  bool email_err_data = false;  // %W: the error's facts in the mailto link
  std::string_view stylesheet; // %l: err_page_stylesheet's text
  std::string_view html_text;  // %L: err_html_text
  std::time_t now = 0;
  std::string_view product = kProductToken;  // %s, and Server (httpd_suppress_version_string)
  // @Squid{%code}: the transaction's log entry as squid has it while building
  // the page; null: every code is "-".
  std::shared_ptr<const AccessLogEntry> log_entry;
};

// `text` with its %-codes replaced: in a page (`in_url` false) each value
// HTML-quoted; in a deny_info URL also %-escaped. An unknown code stays as written.
// An @Squid{%code} sequence is the logformat code's value as it is (neither
// quoted nor escaped, as in squid 5.7); from a bad one on, the text is copied
// as it is (squid's runtime noteBuildError).
std::string expand_error_codes(std::string_view text, const ErrorPageFacts& facts, bool in_url);

// The first bad @Squid{…} sequence of a template or deny_info URL, in squid's
// words (page_logformat.h); nullopt when all are good. Squid checks its
// templates so when it starts (a bad one is fatal) and reconfigures (logged).
std::optional<std::string> bad_page_sequence(std::string_view text);

// The request as %R shows it in a page: Authorization values hidden, as Squid's
// packInto(mask_sensitive_info) hides them.
std::string masked_request_head(std::string_view request_head);

}  // namespace cuttle
