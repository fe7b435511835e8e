#include "proxy/config/log_directives.h"

#include "proxy/config/ascii_case.h"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <strings.h>

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
  } else if (starts_with_nocase(word, "buffer-size=") || starts_with_nocase(word, "on-error=")) {
    ctx.warn("access_log option '" + word + "' is not implemented by cuttle; ignored");
  } else {
    throw DirectiveError("access_log: unknown option '" + word + "'");
  }
  return true;
}

std::string file_of(std::string target) {
  for (std::string_view module : {"stdio:", "daemon:"})
    if (target.starts_with(module)) target = target.substr(module.size());
  if (target.empty()) throw DirectiveError("access_log: missing file name");
  if (target.find(':') != std::string::npos && target.front() != '/')
    throw DirectiveError("access_log: only stdio:/daemon: files are supported, got '" + target + "'");
  return target;
}

}  // namespace

void access_log(DirectiveArgs& args, ParseContext& ctx) {
  AccessLogConfig log;
  log.acls.allow = true;
  log.acls.where = ctx.where;
  auto target = args.next("log file").text;
  if (target != "none") {
    log.path = file_of(target);
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
