#include "proxy/config/log_directives.h"

#include "proxy/config/ascii_case.h"
#include "proxy/log/log_destination_spec.h"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string_view>
#include <strings.h>
#include <utility>

namespace cuttle {

namespace {

// A format by name: a logformat line's, else a built-in one; null when neither.
std::shared_ptr<const LogFormat> format_named(std::string_view name, const Config& config) {
  if (auto found = config.logformats.find(std::string(name)); found != config.logformats.end()) return found->second;
  if (name == "auto") name = "squid";  // Squid's old name, with its warning (below)
  if (auto builtin = builtin_log_format(name)) return std::make_shared<const LogFormat>(std::move(*builtin));
  return nullptr;
}

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && strncasecmp(text.data(), prefix.data(), prefix.size()) == 0;
}

// Squid's parseBytesOptionValue: digits, then a unit the text starts with
// ("bytes", "KB", "MB", "GB", any case; a unit is required).
size_t squid_option_bytes(std::string_view value, const std::string& word) {
  size_t digits = 0;
  while (digits < value.size() && value[digits] >= '0' && value[digits] <= '9') ++digits;
  if (digits == 0) throw DirectiveError("access_log: no digits in '" + word + "'");
  const auto unit = value.substr(digits);
  uint64_t multiplier = 0;
  for (const auto& [name, bytes] : {std::pair<std::string_view, uint64_t>{"bytes", 1}, {"KB", 1ull << 10},
                                    {"MB", 1ull << 20}, {"GB", 1ull << 30}})
    if (starts_with_nocase(unit, name)) {
      multiplier = bytes;
      break;
    }
  if (multiplier == 0) throw DirectiveError("access_log: unknown bytes unit in '" + word + "' (bytes, KB, MB or GB)");
  const auto number = value.substr(0, digits);
  const uint64_t count = number.size() > 10 ? UINT64_MAX : std::stoull(std::string(number));
  // Squid computes it in an int.
  if (count > INT_MAX || count * multiplier > INT_MAX) throw DirectiveError("access_log: '" + word + "' is too large");
  return static_cast<size_t>(count * multiplier);
}

// `name=value` options after the file (style #4 in Squid's parser); returns false
// at the first word without '=' (the ACLs start there).
bool read_log_option(const std::string& word, AccessLogConfig& log, ParseContext& ctx) {
  if (word.find('=') == std::string::npos) return false;
  if (starts_with_nocase(word, "logformat=")) {
    if (log.format) throw DirectiveError("access_log: a second log format in one line: " + word);
    log.format = format_named(word.substr(10), ctx.config);
    if (!log.format) throw DirectiveError("access_log: log format '" + word.substr(10) + "' is not defined");
  } else if (starts_with_nocase(word, "rotate=")) {
    const auto count = std::atoi(word.c_str() + 7);  // Squid's xatoi
    if (count < 0) throw DirectiveError("access_log: rotate= must not be negative: " + word);
    log.rotate = count;
  } else if (starts_with_nocase(word, "buffer-size=")) {
    log.buffer_size = squid_option_bytes(word.substr(12), word);
  } else if (starts_with_nocase(word, "on-error=")) {
    // Squid compares only the word's start: on-error=dying is die.
    if (starts_with_nocase(word.substr(9), "die")) log.die_on_error = true;
    else if (starts_with_nocase(word.substr(9), "drop")) log.die_on_error = false;
    else throw DirectiveError("access_log: unknown value for on-error '" + word + "', expected 'drop' or 'die'");
  } else {
    throw DirectiveError("access_log: unknown option '" + word + "'");
  }
  return true;
}

// The destination as written, once squid's logfileOpen would take it; what squid
// does with it that an admin may not expect is warned about.
std::string destination_of(const std::string& target, ParseContext& ctx) {
  try {
    for (const auto& note : parse_log_destination(target).notes) ctx.warn("access_log " + target + ": " + note);
  } catch (const std::invalid_argument& e) {
    throw DirectiveError(std::string("access_log: ") + e.what());
  }
  return target;
}

}  // namespace

void access_log(DirectiveArgs& args, ParseContext& ctx) {
  AccessLogConfig log;
  log.acls.allow = true;
  log.acls.where = ctx.where;
  auto target = args.next("log file").text;
  if (target != "none") {
    log.path = destination_of(target, ctx);
    // A format name (or name=value options), then ACL names, as Squid reads them.
    if (!args.empty() && args.peek().text.find('=') == std::string::npos) {
      if (args.peek().text == "auto") ctx.warn("access_log: log format 'auto' no longer exists. Using 'squid' instead");
      if ((log.format = format_named(args.peek().text, ctx.config))) args.next("format");
    } else {
      while (!args.empty() && read_log_option(args.peek().text, log, ctx)) args.next("option");
    }
  }
  while (auto word = args.next_if_any()) log.acls.acls.push_back(acl_reference(word->text, "access_log", ctx));
  if (log.format && log.format->kind == LogFormat::Kind::Squid) log.format = nullptr;  // the fast path
  if (log.format) {
    for (const auto& name : log.format->request_headers) ctx.config.log_request_headers.insert(ascii_lowercase(name));
    ctx.config.log_reply_head = ctx.config.log_reply_head || log.format->reply_head;
    ctx.config.log_notes = ctx.config.log_notes || log.format->notes;
  }
  const auto files = std::count_if(ctx.config.access_logs.begin(), ctx.config.access_logs.end(),
                                   [](const AccessLogConfig& l) { return !l.path.empty(); });
  if (!log.path.empty() && files >= 64) throw DirectiveError("access_log: at most 64 files");
  ctx.config.access_logs.push_back(std::move(log));
}

// `logformat NAME SPEC`: SPEC is the rest of the line as written (or one quoted
// string), as Squid's NextQuotedOrToEol reads it.
void logformat_directive(DirectiveArgs& args, ParseContext& ctx) {
  const auto name = args.next("format name").text;
  std::string_view rest = args.raw();
  rest.remove_prefix(std::min(rest.size(), rest.find_first_not_of(" \t")));
  rest.remove_prefix(std::min(rest.size(), rest.find_first_of(" \t")));   // the name
  rest.remove_prefix(std::min(rest.size(), rest.find_first_not_of(" \t")));
  while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t')) rest.remove_suffix(1);
  std::string spec(rest);
  if (spec.size() >= 2 && spec.front() == '"' && spec.back() == '"') spec = args.next("format").text;
  while (args.next_if_any()) {
  }
  if (spec.empty()) throw DirectiveError("logformat: missing the format of '" + name + "'");
  if (builtin_log_format(name) || ctx.config.logformats.count(name)) {
    ctx.warn("logformat " + name + " is already defined. Ignoring (as Squid)");
    return;
  }
  try {
    auto format = std::make_shared<const LogFormat>(custom_log_format(name, spec));
    // As squid 5.7's Format::Token::parse, even for a format no access_log uses;
    // a later log_mime_hdrs line still decides.
    if (format->whole_headers) ctx.config.log_mime_hdrs = true;
    ctx.config.logformats[name] = std::move(format);
  } catch (const std::invalid_argument& e) {
    throw DirectiveError(e.what());
  }
}

}  // namespace cuttle
