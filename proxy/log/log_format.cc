#include "proxy/log/log_format.h"

#include "proxy/log/entry_fields.h"
#include "proxy/log/format_expand.h"
#include "proxy/log/list_member.h"

#include <ctime>
#include <stdexcept>

namespace cuttle {

namespace {

using logformat::Token;
using logformat::Value;

// strftime of the line's time, local or GMT.
std::string time_text(const AccessLogEntry& e, const char* spec, bool local) {
  const std::time_t t = std::chrono::system_clock::to_time_t(e.end_time);
  std::tm tm{};
  if (local) localtime_r(&t, &tm);
  else gmtime_r(&t, &tm);
  char text[256];
  const auto n = std::strftime(text, sizeof text, spec, &tm);
  return std::string(text, n);
}

std::string httpd_time_of(const AccessLogEntry& e) {
  return httpd_time(std::chrono::system_clock::to_time_t(e.end_time));
}

long long epoch_ms(const AccessLogEntry& e) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(e.end_time.time_since_epoch()).count();
}

std::optional<std::string> unless_dash(const std::string& text) {
  if (text.empty() || text == "-") return std::nullopt;
  return text;
}

std::string version_text(const AccessLogEntry& e) {
  return std::to_string(e.version_major) + "." + std::to_string(e.version_minor);
}

// The path of an absolute URL ("http://h/p?q" -> "/p?q"), as Squid's url.path().
std::optional<std::string> url_path(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return std::nullopt;
  const auto slash = url.find('/', scheme + 3);
  return slash == std::string::npos ? std::string("/") : url.substr(slash);
}

// %{Name}>h is the field's values joined; %{Name:member}>h one member of them
// (Squid's getByNameListMember), "-" when none.
Value header_value(const std::optional<std::string>& field, const std::string& arg) {
  const auto argument = logformat::header_argument(arg);
  if (!argument.member) return Value{field, true};
  return Value{list_member(field.value_or(""), *argument.member, argument.separator), true};
}

std::string header_name(const std::string& arg) { return logformat::header_argument(arg).name; }

Value decimal(long long v) { return Value{std::to_string(v)}; }
Value decimal_unless_zero(long long v) { return v ? decimal(v) : Value{}; }

// Every code cuttle fills in from an entry and its line, with Squid 5.7's meaning
// (src/format/Format.cc). Returns nullopt for a code it does not know.
std::optional<Value> code_value(const Token& t, const AccessLogEntry& e, const LineContext& line) {
  const auto& c = t.code;
  if (c == ">a") return Value{unless_dash(e.client_ip)};
  if (c == ">p") return decimal_unless_zero(e.client_port);
  if (c == "la") return Value{unless_dash(e.local_ip)};
  if (c == "lp") return decimal_unless_zero(e.local_port);
  if (c == ">la") return Value{unless_dash(e.connection_local_ip)};
  if (c == ">lp") return decimal_unless_zero(e.connection_local_port);
  if (c == "<a") return Value{unless_dash(e.peer)};
  if (c == "<p") return decimal_unless_zero(e.server_port);
  if (c == "ts") return decimal(epoch_ms(e) / 1000);
  if (c == "tu") return decimal(epoch_ms(e) % 1000);
  if (c == "tr") return decimal(e.elapsed.count());
  if (c == "tl") return Value{time_text(e, t.arg ? t.arg->c_str() : "%d/%b/%Y:%H:%M:%S %z", true)};
  if (c == "tg") return Value{time_text(e, t.arg ? t.arg->c_str() : "%d/%b/%Y:%H:%M:%S", false)};
  if (c == "rm") return Value{unless_dash(e.method), true};
  if (c == "ru") return Value{unless_dash(e.url)};
  if (c == "rp") return Value{url_path(e.full_url.empty() ? e.url : e.full_url), true};  // squid: the request's path
  if (c == "rv") return Value{version_text(e)};
  if (c == "Ss") return Value{std::string(squid_name(e.result)) + std::string(squid_name(e.result_suffix))};
  if (c == "Sh") return Value{squid_name(e.hierarchy)};
  if (c == ">Hs") return decimal(e.status);
  if (c == "<Hs") return decimal_unless_zero(e.server_status);
  if (c == "<st") return decimal(static_cast<long long>(e.reply_bytes));
  if (c == ">st") return decimal(static_cast<long long>(e.request_bytes));
  if (c == "sn") return decimal(static_cast<long long>(line.sequence));
  if (c == "mt") return Value{unless_dash(e.content_type)};
  if (c == "un" || c == "ul") return Value{unless_dash(e.user)};
  if (c == "ue") return Value{unless_dash(e.external_user)};
  if (c == "ui") return Value{std::nullopt};  // cuttle asks no ident server, as Squid without ident ACLs
  if (c == "err_code") return Value{unless_dash(e.error_name)};
  if (c == "err_detail") return Value{unless_dash(e.error_detail)};
  if (c == "note") return Value{t.arg ? note_values(e, *t.arg) : all_notes(e), true};
  // Squid keeps the whole request header for logs only under log_mime_hdrs.
  // Without adaptation the adapted request (>ha) has the client's header (a
  // URL rewrite changes only the URL).
  const bool request_code = c == ">h" || c == ">ha";
  if (request_code && !t.arg)
    return Value{line.mime_headers ? std::optional(request_fields_text(e)) : std::nullopt, true};
  if (request_code) return header_value(request_header(e, header_name(*t.arg)), *t.arg);
  if (c == "<h" && !t.arg) return Value{e.reply_head, true};
  if (c == "<h") return header_value(reply_header(e, header_name(*t.arg)), *t.arg);
  return std::nullopt;
}

// Squid's QuoteUrlEncodeUsername: "-" for none, else QuoteMimeBlob.
void append_user(std::string& line, const std::string& user) {
  if (user.empty() || user == "-") line += '-';
  else append_mime_quoted(line, user);
}

std::string header_or_dash(const AccessLogEntry& e, std::string_view name) {
  auto value = request_header(e, name);
  return value && !value->empty() ? *value : "-";
}

// FormatHttpdCommon.cc, and FormatHttpdCombined.cc when `combined`.
void append_httpd(std::string& line, const AccessLogEntry& e, bool combined, const LineContext& context) {
  line += e.client_ip.empty() ? "-" : e.client_ip;
  line += " - ";  // no ident
  append_user(line, e.user);
  line += " [" + httpd_time_of(e) + "] \"";
  line += e.method.empty() ? "-" : e.method;
  line += ' ';
  line += e.url;
  line += " HTTP/" + version_text(e) + "\" ";
  append_padded(line, e.status, 0, ' ');
  line += ' ';
  append_padded(line, static_cast<long long>(e.reply_bytes), 0, ' ');
  if (combined) line += " \"" + header_or_dash(e, "Referer") + "\" \"" + header_or_dash(e, "User-Agent") + "\"";
  line += ' ';
  line += squid_name(e.result);
  line += squid_name(e.result_suffix);
  line += ':';
  line += squid_name(e.hierarchy.code);  // no TIMEOUT_ prefix here, unlike %Sh
  if (context.mime_headers) append_mime_headers(line, e);
}

// What a format's code needs entries to carry.
void note_needs(const Token& token, LogFormat& format) {
  const auto& c = token.code;
  const bool request_code = c == ">h" || c == ">ha";
  if (request_code && token.arg) format.request_headers.push_back(header_name(*token.arg));
  format.whole_headers = format.whole_headers || ((request_code || c == "<h") && !token.arg);
  format.reply_head = format.reply_head || c == "<h";
  format.notes = format.notes || c == "note";
  format.sequence = format.sequence || c == "sn";
}

}  // namespace

std::optional<LogFormat> builtin_log_format(std::string_view name) {
  static const std::pair<std::string_view, LogFormat::Kind> kBuiltins[] = {
      {"squid", LogFormat::Kind::Squid},       {"common", LogFormat::Kind::Common},
      {"combined", LogFormat::Kind::Combined}, {"referrer", LogFormat::Kind::Referrer},
      {"useragent", LogFormat::Kind::UserAgent}};
  for (const auto& [builtin, kind] : kBuiltins)
    if (name == builtin) {
      LogFormat format;
      format.kind = kind;
      format.name = std::string(builtin);
      if (kind == LogFormat::Kind::Combined || kind == LogFormat::Kind::Referrer) format.request_headers.push_back("Referer");
      if (kind == LogFormat::Kind::Combined || kind == LogFormat::Kind::UserAgent)
        format.request_headers.push_back("User-Agent");
      return format;
    }
  return std::nullopt;
}

LogFormat custom_log_format(std::string name, std::string_view spec) {
  return log_format_of_tokens(std::move(name), logformat::parse_format(spec));
}

LogFormat log_format_of_tokens(std::string name, std::vector<logformat::Token> tokens) {
  LogFormat format;
  format.kind = LogFormat::Kind::Custom;
  format.name = std::move(name);
  format.tokens = std::move(tokens);
  const AccessLogEntry probe;
  for (const auto& token : format.tokens) {
    if (token.is_literal() || (token.code == "%" && token.space.empty())) continue;  // %% is expand()'s
    if (!token.space.empty() || !code_value(token, probe, {}))
      throw std::invalid_argument("logformat " + format.name + ": cuttle cannot fill in the code '%" +
                                  (token.space.empty() ? "" : token.space + "::") + token.code +
                                  "' yet (docs/configuration.md lists the codes it can)");
    note_needs(token, format);
  }
  return format;
}

void append_formatted(std::string& line, const LogFormat& format, const AccessLogEntry& e,
                      const LineContext& context) {
  switch (format.kind) {
    case LogFormat::Kind::Squid:
      append_squid_native(line, e, context);
      return;
    case LogFormat::Kind::Common:
    case LogFormat::Kind::Combined:
      append_httpd(line, e, format.kind == LogFormat::Kind::Combined, context);
      return;
    case LogFormat::Kind::Referrer: {
      // FormatSquidReferer.cc: "%9ld.%03d %s %s %s".
      const auto ms = epoch_ms(e);
      append_padded(line, ms / 1000, 9, ' ');
      line += '.';
      append_padded(line, ms % 1000, 3, '0');
      line += ' ' + (e.client_ip.empty() ? std::string("-") : e.client_ip) + ' ' + header_or_dash(e, "Referer") + ' ' +
              (e.url.empty() ? std::string("-") : e.url);
      return;
    }
    case LogFormat::Kind::UserAgent:
      // FormatSquidUseragent.cc: "%s [%s] \"%s\"".
      line += (e.client_ip.empty() ? std::string("-") : e.client_ip) + " [" +
              httpd_time_of(e) + "] \"" + header_or_dash(e, "User-Agent") + "\"";
      return;
    case LogFormat::Kind::Custom:
      line += logformat::expand(format.tokens, [&](const Token& t) { return *code_value(t, e, context); });
      return;
  }
}

std::string httpd_time(std::time_t when) {
  std::tm tm{};
  localtime_r(&when, &tm);
  char text[64];
  const auto n = std::strftime(text, sizeof text, "%d/%b/%Y:%H:%M:%S %z", &tm);
  return std::string(text, n);
}

}  // namespace cuttle
