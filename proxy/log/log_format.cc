#include "proxy/log/log_format.h"

#include "proxy/log/format_expand.h"

#include <ctime>
#include <stdexcept>
#include <strings.h>

namespace cuttle {

namespace {

using logformat::Token;
using logformat::Value;

// The request header's fields joined by ", " (Squid's getByName); nullopt: absent.
std::optional<std::string> request_header(const AccessLogEntry& e, std::string_view name) {
  std::optional<std::string> joined;
  for (const auto& [field, value] : e.request_headers) {
    if (field.size() != name.size() || strncasecmp(field.data(), name.data(), name.size()) != 0) continue;
    if (joined) *joined += ", ";
    else joined.emplace();
    *joined += value;
  }
  return joined;
}

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

// Every code cuttle fills in from an entry, with Squid 5.7's meaning
// (src/format/Format.cc). Returns nullopt for a code it does not know.
std::optional<Value> code_value(const Token& t, const AccessLogEntry& e) {
  const auto& c = t.code;
  auto number = [](long long v) { return Value{std::to_string(v)}; };
  if (c == ">a") return Value{unless_dash(e.client_ip)};
  if (c == "<a") return Value{unless_dash(e.peer)};
  if (c == "ts") return number(epoch_ms(e) / 1000);
  if (c == "tu") return number(epoch_ms(e) % 1000);
  if (c == "tr") return number(e.elapsed.count());
  if (c == "tl") return Value{time_text(e, t.arg ? t.arg->c_str() : "%d/%b/%Y:%H:%M:%S %z", true)};
  if (c == "tg") return Value{time_text(e, t.arg ? t.arg->c_str() : "%d/%b/%Y:%H:%M:%S", false)};
  if (c == "rm") return Value{unless_dash(e.method), true};
  if (c == "ru") return Value{unless_dash(e.url)};
  if (c == "rp") return Value{url_path(e.url), true};
  if (c == "rv") return Value{version_text(e)};
  if (c == "Ss") return Value{std::string(squid_name(e.result)) + std::string(squid_name(e.result_suffix))};
  if (c == "Sh") return Value{squid_name(e.hierarchy)};
  if (c == ">Hs") return number(e.status);
  if (c == "<st") return number(static_cast<long long>(e.reply_bytes));
  if (c == "mt") return Value{unless_dash(e.content_type)};
  if (c == "un" || c == "ul") return Value{unless_dash(e.user)};
  if (c == "ui") return Value{std::nullopt};  // cuttle asks no ident server, as Squid without ident ACLs
  if (c == ">h" && t.arg) return Value{request_header(e, *t.arg), true};
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
void append_httpd(std::string& line, const AccessLogEntry& e, bool combined) {
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
  LogFormat format;
  format.kind = LogFormat::Kind::Custom;
  format.name = std::move(name);
  format.tokens = logformat::parse_format(spec);
  const AccessLogEntry probe;
  for (const auto& token : format.tokens) {
    if (token.is_literal()) continue;
    if (!token.space.empty() || !code_value(token, probe))
      throw std::invalid_argument("logformat " + format.name + ": cuttle cannot fill in the code '%" +
                                  (token.space.empty() ? "" : token.space + "::") + token.code +
                                  "' yet (docs/configuration.md lists the codes it can)");
    if (token.code == ">h") format.request_headers.push_back(*token.arg);
  }
  return format;
}

void append_formatted(std::string& line, const LogFormat& format, const AccessLogEntry& e) {
  switch (format.kind) {
    case LogFormat::Kind::Squid:
      append_squid_native(line, e);
      return;
    case LogFormat::Kind::Common:
    case LogFormat::Kind::Combined:
      append_httpd(line, e, format.kind == LogFormat::Kind::Combined);
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
      line += logformat::expand(format.tokens, [&e](const Token& t) { return *code_value(t, e); });
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
