// The format of an access_log line: Squid's native one, the four other formats
// built into squid 5.7 (src/log/FormatHttpdCommon.cc, FormatHttpdCombined.cc,
// FormatSquidReferer.cc, FormatSquidUseragent.cc: fixed layouts, not logformat
// specifications) or a `logformat NAME …` of its own. Pure: entry in, text out.
#pragma once

#include "proxy/log/access_log_line.h"
#include "proxy/log/format_tokens.h"

#include <ctime>
#include <string>
#include <string_view>
#include <vector>

namespace cuttle {

struct LogFormat {
  enum class Kind { Squid, Common, Combined, Referrer, UserAgent, Custom };
  Kind kind = Kind::Squid;
  std::string name = "squid";
  std::vector<logformat::Token> tokens;  // Custom only
  // The request headers its lines show (AccessLogEntry::request_headers).
  std::vector<std::string> request_headers;
  // What else its lines need an entry to carry (each costs every request).
  bool reply_head = false;  // %<h: the reply header sent
  bool notes = false;       // %note
  bool sequence = false;    // %sn: each file numbers its own lines, so files cannot share a line
  // %>h or %<h without a name: squid 5.7 then turns log_mime_hdrs on (Format::Token::parse).
  bool whole_headers = false;
};

// A built-in format by name ("squid", "common", …); nullopt for other names.
std::optional<LogFormat> builtin_log_format(std::string_view name);
// `logformat NAME SPEC`: throws std::invalid_argument for a code Squid does not
// know or cuttle cannot fill in yet (naming it).
LogFormat custom_log_format(std::string name, std::string_view spec);
// The same from tokens already read (one code of an error page's @Squid{…}).
LogFormat log_format_of_tokens(std::string name, std::vector<logformat::Token> tokens);

// Squid's Time::FormatHttpd: local time as "07/Dec/2026:04:15:12 +0000", the
// common log format's (and error pages' %t).
std::string httpd_time(std::time_t when);

// The line for `entry`, without its newline, appended to `line`.
void append_formatted(std::string& line, const LogFormat& format, const AccessLogEntry& entry,
                      const LineContext& context = {});

}  // namespace cuttle
