// Format specifications (logformat, url_rewrite_extras, …) from one fuzz input:
// the first line is the specification, the rest a value every code expands to.
// Checked: parsing refuses the text or yields literals and known codes only;
// the literals together are no longer than the specification; with no values,
// the expansion is exactly the literals with "-" for each code ("%" for %%);
// expanding real values never fails. The same specification as a `logformat`
// (log_format.h) either is refused or formats an access.log entry whose fields,
// request headers, notes and reply header are the value into one line. One code
// read alone (as @Squid{…} holds it) takes at least "%" and a code and no more
// than the text; a header argument's name and member are parts of it; a list
// member is part of the list.
#include "proxy/log/format_expand.h"
#include "proxy/log/format_tokens.h"
#include "proxy/log/list_member.h"
#include "proxy/log/log_format.h"
#include "tests/fuzz/fuzz_target.h"

#include <stdexcept>

using namespace cuttle;

CUTTLE_FUZZ_TARGET(logformat) {
  fuzz::InputReader in(data, size);
  const std::string spec(in.line());
  const std::string value(in.rest());
  if (spec.starts_with('%')) {
    size_t consumed = 0;
    try {
      const auto one = logformat::parse_one_code(spec, consumed);
      FUZZ_CHECK(consumed >= 2 && consumed <= spec.size() && !one.empty() && !one[0].is_literal());
    } catch (const std::invalid_argument&) {
    }
  }
  const auto argument = logformat::header_argument(spec);
  FUZZ_CHECK(spec.starts_with(argument.name));
  if (argument.member) FUZZ_CHECK(spec.ends_with(*argument.member) && argument.member->size() < spec.size());
  const auto member = list_member(value, argument.member.value_or(""), argument.separator);
  FUZZ_CHECK(value.find(member) != std::string::npos);
  std::vector<logformat::Token> tokens;
  try {
    tokens = logformat::parse_format(spec);
  } catch (const std::invalid_argument&) {
    return 0;
  }
  size_t literal_bytes = 0;
  std::string expected_without_values;
  for (const auto& t : tokens) {
    FUZZ_CHECK(t.is_literal() ? !t.literal.empty() : !t.code.empty());
    literal_bytes += t.literal.size();
    expected_without_values += t.is_literal() ? t.literal : (t.code == "%" && t.space.empty()) ? "%" : "-";
  }
  FUZZ_CHECK(literal_bytes <= spec.size());
  auto none = [](const logformat::Token&) { return logformat::Value{}; };
  FUZZ_CHECK(logformat::expand(tokens, none) == expected_without_values);
  auto some = [&](const logformat::Token& t) { return logformat::Value{value, t.code.size() % 2 == 0}; };
  (void)logformat::expand(tokens, some);

  LogFormat format;
  try {
    format = custom_log_format("fuzzed", spec);
  } catch (const std::invalid_argument&) {
    return 0;
  }
  AccessLogEntry entry;
  entry.client_ip = entry.method = entry.url = entry.user = entry.content_type = value;
  entry.local_ip = entry.error_name = entry.error_detail = entry.external_user = value;
  entry.reply_head = "HTTP/1.1 200 OK\r\n" + value + "\r\n\r\n";  // a field line, or garbage
  entry.notes = {{value, value}, {"k", value}};
  for (const auto& name : format.request_headers) entry.request_headers.emplace_back(name, value);
  std::string line;
  append_formatted(line, format, entry, {.sequence = size, .mime_headers = format.whole_headers});
  return 0;
}
