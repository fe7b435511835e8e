// Error page templates and Accept-Language values from one fuzz input: the first
// line is an Accept-Language value, the second a template, the rest the value
// every request fact (and log entry field, for @Squid{%code}) takes. Checked:
// each language tag is non-empty, at most 255 bytes, and only a-z, '-' and '*'
// (a tag is part of a path: nothing else may reach it); a template without '%'
// comes out unchanged; in a deny_info URL no value but %R's path and
// @Squid{%code}'s (placed as squid places them) brings a blank or control byte
// the template did not have; a template without "@Squid{" has no bad sequence.
#include "proxy/http/error_codes.h"
#include "proxy/http/error_templates.h"
#include "tests/fuzz/fuzz_target.h"

#include <memory>

using namespace cuttle;

namespace {

bool has_blank_or_control(std::string_view text) {
  for (unsigned char c : text)
    if (c <= ' ' || c == 0x7F) return true;
  return false;
}

}  // namespace

CUTTLE_FUZZ_TARGET(error_page) {
  fuzz::InputReader in(data, size);
  const auto accept_language = in.line();
  const std::string text(in.line());
  const std::string value(in.rest());
  for (const auto& tag : accept_language_tags(accept_language)) {
    FUZZ_CHECK(!tag.empty() && tag.size() <= 255);
    for (char c : tag) FUZZ_CHECK((c >= 'a' && c <= 'z') || c == '-' || c == '*');
  }
  ErrorPageFacts facts;
  facts.method = facts.url = facts.scheme = facts.host = facts.path = facts.request_head = value;
  facts.client_ip = facts.user = facts.page = facts.server_ip = facts.dns_error = value;
  facts.external_message = facts.hostname = facts.cache_mgr = value;
  facts.stylesheet = facts.html_text = value;
  facts.email_err_data = !value.empty() && value[0] % 2;
  auto entry = std::make_shared<AccessLogEntry>();
  entry->client_ip = entry->method = entry->url = entry->user = entry->error_name = value;
  entry->request_headers = {{"X", value}, {value, value}};
  entry->notes = {{"k", value}};
  entry->reply_head = "HTTP/1.1 200 OK\r\n" + value + "\r\n\r\n";
  facts.log_entry = std::move(entry);
  const auto page = expand_error_codes(text, facts, false);
  const auto url = expand_error_codes(text, facts, true);
  if (text.find('%') == std::string::npos) FUZZ_CHECK(page == text && url == text);
  // %R is the path as is (as Squid places it); a parsed path has no blanks.
  const bool has_sequence = text.find("@Squid{") != std::string::npos;
  if (!has_blank_or_control(text) && text.find("%R") == std::string::npos && !has_sequence)
    FUZZ_CHECK(!has_blank_or_control(url));
  const auto bad = bad_page_sequence(text);
  if (!has_sequence) FUZZ_CHECK(!bad);
  return 0;
}
