#include "proxy/http/deny_page.h"

#include "proxy/http/header_rules.h"
#include "proxy/http/html_quote.h"
#include "proxy/http/http_date.h"
#include "proxy/log/url_escape.h"

#include <chrono>
#include <optional>

namespace cuttle {
namespace http = boost::beast::http;

namespace {

std::string local_time(std::time_t when) {
  std::tm t{};
  localtime_r(&when, &t);
  char text[64];
  std::strftime(text, sizeof text, "%d/%b/%Y:%H:%M:%S %z", &t);
  return text;
}

// A code's value, unquoted; nullopt for a code Squid does not know (kept as written).
std::optional<std::string> code_value(char code, const DenyPageContext& c, bool in_url, std::string_view page) {
  const auto now = std::chrono::system_clock::from_time_t(c.now);
  switch (code) {
    case 'a': return c.user.empty() ? "-" : c.user;
    case 'c': return std::string(page);
    case 'D': return "[No Error Detail]";
    case 'e': return "0";
    case 'E': return "[No Error]";
    case 'h': return c.hostname;
    case 'H': return c.host;
    case 'i': return c.client_ip;
    case 'M': return c.method;
    case 'p': return std::to_string(c.port);
    case 'P': return c.scheme;
    case 'R': return c.path;
    case 's': return in_url ? c.url : std::string(c.product);
    case 'S': return "";  // visible_appname_string: cuttle signs its pages in %s
    case 't': return local_time(c.now);
    case 'T': return http_date(now);
    case 'U': case 'u': return c.url;
    case 'w': return c.cache_mgr;
    case 'W': return in_url ? "" : "<a href=\"mailto:" + c.cache_mgr + "\">" + c.cache_mgr + "</a>";
    // Empty for a denial: no upstream, no DNS, no error detail, no FTP.
    case 'B': case 'f': case 'F': case 'g': case 'I': case 'l': case 'L': case 'm': case 'o': case 'O':
    case 'x': case 'z': case 'Z':
      return "";
    default: return std::nullopt;
  }
}

}  // namespace

std::string expand_deny_codes(std::string_view text, const DenyPageContext& context, bool in_url,
                              std::string_view page_name) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%' || i + 1 == text.size()) {
      out += text[i];
      continue;
    }
    const char code = text[++i];
    if (code == '%') {
      out += '%';
      continue;
    }
    const auto value = code_value(code, context, in_url, page_name);
    // An unknown code stays as written (and, in a URL, is escaped like a value).
    std::string quoted = value ? html_quote(*value) : std::string{'%', code};
    if (in_url && code != 'R') quoted = squid_escape_part(quoted);
    out += quoted;
  }
  return out;
}

http::response<http::string_body> deny_info_response(const DenyInfo& info, unsigned status,
                                                     const DenyPageContext& context) {
  const auto now = std::chrono::system_clock::from_time_t(context.now);
  const unsigned error_status = info.status && info.kind == DenyInfo::Kind::Page ? info.status : status;
  http::response<http::string_body> res;
  res.version(11);
  res.set(http::field::server, context.product);
  res.set("Mime-Version", "1.0");
  res.set(http::field::date, http_date(now));
  res.set(http::field::content_type, "text/html;charset=utf-8");
  if (info.kind == DenyInfo::Kind::Redirect) {
    // Squid's BuildHttpReply: 302, or 307 for other methods than GET and HEAD
    // from HTTP/1.1 clients, or the status the line names.
    unsigned redirect = 302;
    if (info.status) redirect = info.status;
    else if (context.method != "GET" && context.method != "HEAD" && context.client_version >= 11) redirect = 307;
    res.result(redirect);
    res.set(http::field::location, expand_deny_codes(info.target, context, true));
    res.set("X-Squid-Error", std::to_string(info.status ? info.status : status) + " Access Denied");
  } else {
    res.result(error_status);
    res.set("X-Squid-Error", info.token + " 0");  // as written: "404:ERR_X 0"
    res.body() = expand_deny_codes(info.template_text, context, false, info.token);
  }
  res.prepare_payload();
  return res;
}

}  // namespace cuttle
