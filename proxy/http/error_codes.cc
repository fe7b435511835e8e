#include "proxy/http/error_codes.h"

#include "proxy/http/html_quote.h"
#include "proxy/http/http_date.h"
#include "proxy/http/page_logformat.h"
#include "proxy/log/log_format.h"
#include "proxy/log/url_escape.h"

#include <boost/algorithm/string/predicate.hpp>

#include <chrono>
#include <cstring>
#include <optional>

namespace cuttle {
namespace {

// How a code's value is placed: Squid quotes most values for HTML and escapes
// them in a URL, and leaves a few (markup, a path) alone.
struct CodeValue {
  std::string text;
  bool quote = true;
  bool url_escape = true;
};

// Squid's hard-coded ERR_SQUID_SIGNATURE, what %S adds to a page.
constexpr std::string_view kSignature =
    "\n<br>\n<hr>\n<div id=\"footer\">\nGenerated %T by %h (%s)\n</div>\n</body></html>\n";

std::string rfc1123(std::time_t when) { return http_date(std::chrono::system_clock::from_time_t(when)); }

std::string errno_text(int number) {
  return number ? "(" + std::to_string(number) + ") " + std::strerror(number) : "[No Error]";
}

// Squid's ErrorState::Dump: the query of the administrator's mailto link.
std::string mailto_query(const ErrorPageFacts& f) {
  std::string body = "CacheHost: " + f.hostname + "\r\nErrPage: " + f.page + "\r\n";
  body += f.sys_errno ? "Err: " + errno_text(f.sys_errno) + "\r\n" : "Err: [none]\r\n";
  if (!f.dns_error.empty()) body += "DNS ErrMsg: " + f.dns_error + "\r\n";
  body += "TimeStamp: " + rfc1123(f.now) + "\r\n\r\nClientIP: " + f.client_ip + "\r\n";
  if (!f.server_ip.empty()) body += "ServerIP: " + f.host + "\r\n";  // Squid names the next hop's host
  body += "\r\nHTTP Request:\r\n" + f.request_head + "\r\n\r\n";
  return "?subject=" + squid_escape_part("CacheErrorInfo - " + f.page) + "&body=" + squid_escape_part(body);
}

// A value only a request has: Squid's placeholder without one (nothing in a URL).
std::optional<CodeValue> of_request(const ErrorPageFacts& f, bool in_url, std::string value,
                                    std::string_view placeholder) {
  if (!f.method.empty()) return CodeValue{std::move(value)};
  return CodeValue{in_url ? "" : std::string(placeholder)};
}

std::optional<CodeValue> page_only(bool in_url, CodeValue value) {
  return in_url ? CodeValue{""} : std::move(value);
}

// %R: in a URL the path as is; in a page the request line and its headers.
CodeValue request_code(const ErrorPageFacts& f, bool in_url) {
  if (in_url) return f.method.empty() ? CodeValue{"[no request]"} : CodeValue{f.path, true, false};
  if (f.request_head.empty()) return {"[no request]"};
  return {masked_request_head(f.request_head)};
}

std::optional<CodeValue> code_value(char code, const ErrorPageFacts& f, bool in_url) {
  switch (code) {
    case 'a': return CodeValue{f.user.empty() ? "-" : f.user};
    case 'A': return CodeValue{f.method.empty() || f.local_ip.empty() ? "-" : f.local_ip};
    case 'b': return CodeValue{std::to_string(f.listening_port)};
    case 'B': return CodeValue{""};  // an FTP URL; no FTP here
    case 'c': return page_only(in_url, {f.page});
    case 'D': return CodeValue{"[No Error Detail]"};
    case 'e': return CodeValue{std::to_string(f.sys_errno)};
    case 'E': return CodeValue{errno_text(f.sys_errno)};
    case 'f': case 'F': return page_only(in_url, {"nothing"});
    case 'g': return CodeValue{""};
    case 'h': return CodeValue{f.hostname};
    case 'H': return of_request(f, in_url, f.host, "[unknown host]");
    case 'i': return CodeValue{f.client_ip};
    case 'I':
      if (!f.server_ip.empty()) return CodeValue{f.server_ip};
      return CodeValue{in_url ? "" : "[unknown]"};
    case 'l': return page_only(in_url, {std::string(f.stylesheet), false});
    case 'L':
      if (f.html_text.empty()) return page_only(in_url, {"[not available]"});
      return page_only(in_url, {std::string(f.html_text), false});
    case 'm': return page_only(in_url, {"[not available]"});
    case 'M': return of_request(f, in_url, f.method, "[unknown method]");
    case 'o': case 'O':
      if (f.external_message.empty()) return CodeValue{in_url ? "" : "[not available]"};
      return CodeValue{f.external_message, code == 'o' || in_url};
    case 'p': return of_request(f, in_url, std::to_string(f.port), "[unknown port]");
    case 'P': return of_request(f, in_url, f.scheme, "[unknown protocol]");
    case 'R': return request_code(f, in_url);
    case 's': return CodeValue{in_url ? f.url : std::string(f.product)};
    case 'S':
      if (in_url) return CodeValue{std::string(f.product)};
      return CodeValue{expand_error_codes(kSignature, f, false), false};
    case 't': return CodeValue{httpd_time(f.now)};
    case 'T': return CodeValue{rfc1123(f.now)};
    case 'U': case 'u': return CodeValue{!f.url.empty() ? f.url : in_url ? "" : "[no URL]"};
    case 'w': return CodeValue{f.cache_mgr};
    case 'W':
      if (in_url || !f.email_err_data || f.cache_mgr.empty()) return CodeValue{""};
      return CodeValue{mailto_query(f), true, false};
    case 'x': return CodeValue{in_url ? "" : "[Unknown Error Code]"};
    case 'z': return page_only(in_url, {f.dns_error.empty() ? "[unknown]" : f.dns_error});
    case 'Z': return page_only(in_url, {"[unknown]"});
    case '%': return CodeValue{"%"};
    default: return std::nullopt;
  }
}

}  // namespace

std::string masked_request_head(std::string_view head) {
  std::string out;
  size_t start = 0;
  while (start < head.size()) {
    size_t end = head.find('\n', start);
    end = end == std::string_view::npos ? head.size() : end + 1;
    const auto line = head.substr(start, end - start);
    const auto colon = line.find(':');
    const auto name = colon == std::string_view::npos ? std::string_view{} : line.substr(0, colon);
    if (boost::iequals(name, "Authorization") || boost::iequals(name, "Proxy-Authorization"))
      out.append(name).append(": ** NOT DISPLAYED **\r\n");
    else
      out.append(line);
    start = end;
  }
  return out;
}

std::string expand_error_codes(std::string_view text, const ErrorPageFacts& facts, bool in_url) {
  std::string out;
  out.reserve(text.size() + 256);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '@' && text.substr(i).starts_with(kLogformatMagic)) {
      try {
        i += expand_page_sequence(text.substr(i), facts.log_entry.get(), out) - 1;
      } catch (const BadPageSequence&) {
        out += text.substr(i);  // squid cannot tell where the sequence ends: the rest as it is
        break;
      }
      continue;
    }
    if (text[i] != '%' || i + 1 == text.size()) {
      out += text[i];
      continue;
    }
    const char code = text[++i];
    auto value = code_value(code, facts, in_url);
    // An unknown code stays as written, unquoted (and, in a URL, escaped).
    if (!value) value = CodeValue{std::string{'%', code}, false};
    std::string placed = value->quote ? html_quote(value->text) : std::move(value->text);
    if (in_url && value->url_escape) placed = squid_escape_part(placed);
    out += placed;
  }
  return out;
}

std::optional<std::string> bad_page_sequence(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    if (text[i] == '%') {
      i += 2;  // a %-code, whatever its letter: squid's compile skips both bytes
      continue;
    }
    if (!text.substr(i).starts_with(kLogformatMagic)) {
      ++i;
      continue;
    }
    std::string ignored;
    try {
      i += expand_page_sequence(text.substr(i), nullptr, ignored);
    } catch (const BadPageSequence& why) {
      return bad_sequence_message(text.substr(i), why);
    }
  }
  return std::nullopt;
}

}  // namespace cuttle
