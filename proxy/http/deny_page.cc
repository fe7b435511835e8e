#include "proxy/http/deny_page.h"

#include "proxy/http/http_date.h"

#include <chrono>

namespace cuttle {
namespace http = boost::beast::http;

namespace {

// The headers Squid's HttpReply::setHeaders gives every page it makes.
TemplateResponse page_shell(unsigned status, const ErrorPageFacts& facts) {
  TemplateResponse res;
  res.version(11);
  res.result(status);
  res.set(http::field::server, facts.product);
  res.set("Mime-Version", "1.0");
  res.set(http::field::date, http_date(std::chrono::system_clock::from_time_t(facts.now)));
  res.set(http::field::content_type, "text/html;charset=utf-8");
  return res;
}

// Squid's BuildHttpReply: 302, or 307 for other methods than GET and HEAD
// from HTTP/1.1 clients, or the status the line names.
unsigned redirect_status(const DenyInfo& info, const ErrorPageFacts& facts) {
  if (info.status) return info.status;
  if (facts.method != "GET" && facts.method != "HEAD" && facts.client_version >= 11) return 307;
  return 302;
}

}  // namespace

TemplateResponse template_page_response(unsigned status, const ChosenTemplate& chosen, const ErrorPageFacts& facts) {
  auto res = page_shell(status, facts);
  res.set("X-Squid-Error", facts.page + " " + std::to_string(facts.sys_errno));
  if (chosen.negotiated) res.set(http::field::vary, "Accept-Language");
  if (!chosen.language.empty()) res.set(http::field::content_language, chosen.language);
  res.body() = expand_error_codes(chosen.text, facts, false);
  res.prepare_payload();
  return res;
}

TemplateResponse deny_info_response(const DenyInfo& info, unsigned status, ErrorPageFacts facts,
                                    const ErrorPageSettings& settings) {
  facts.page = info.token;  // as written: "404:ERR_X"
  if (info.kind == DenyInfo::Kind::Page) {
    ChosenTemplate page{info.template_text, "", false};
    if (settings.directory.empty()) {
      page.negotiated = true;
      page.language = settings.default_language.empty() ? "en" : settings.default_language;
    }
    return template_page_response(info.status ? info.status : status, page, facts);
  }
  auto res = page_shell(redirect_status(info, facts), facts);
  res.set(http::field::location, expand_error_codes(info.target, facts, true));
  res.set("X-Squid-Error", std::to_string(info.status ? info.status : status) + " Access Denied");
  res.prepare_payload();
  return res;
}

}  // namespace cuttle
