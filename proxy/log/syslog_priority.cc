#include "proxy/log/syslog_priority.h"

#include <strings.h>
#include <syslog.h>

#include <array>
#include <utility>

namespace cuttle {

namespace {

struct SyslogName {
  std::string_view name;  // as <syslog.h> spells it
  int value;
  bool severity;
};

// ModSyslog.cc's syslog_ntoa table, in its order.
constexpr std::array kSyslogNames{
    SyslogName{"LOG_AUTHPRIV", LOG_AUTHPRIV, false}, SyslogName{"LOG_DAEMON", LOG_DAEMON, false},
    SyslogName{"LOG_LOCAL0", LOG_LOCAL0, false},     SyslogName{"LOG_LOCAL1", LOG_LOCAL1, false},
    SyslogName{"LOG_LOCAL2", LOG_LOCAL2, false},     SyslogName{"LOG_LOCAL3", LOG_LOCAL3, false},
    SyslogName{"LOG_LOCAL4", LOG_LOCAL4, false},     SyslogName{"LOG_LOCAL5", LOG_LOCAL5, false},
    SyslogName{"LOG_LOCAL6", LOG_LOCAL6, false},     SyslogName{"LOG_LOCAL7", LOG_LOCAL7, false},
    SyslogName{"LOG_USER", LOG_USER, false},         SyslogName{"LOG_ERR", LOG_ERR, true},
    SyslogName{"LOG_WARNING", LOG_WARNING, true},    SyslogName{"LOG_NOTICE", LOG_NOTICE, true},
    SyslogName{"LOG_INFO", LOG_INFO, true},          SyslogName{"LOG_DEBUG", LOG_DEBUG, true},
};

constexpr std::string_view kSeverityNames[] = {"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"};

// The exact LOG_ name, or the name after "LOG_" in any case; nullptr for others.
const SyslogName* syslog_name(std::string_view word) {
  for (const auto& entry : kSyslogNames) {
    const auto short_name = entry.name.substr(4);
    if (word == entry.name ||
        (word.size() == short_name.size() && strncasecmp(word.data(), short_name.data(), word.size()) == 0))
      return &entry;
  }
  return nullptr;
}

void add_note(std::vector<std::string>* notes, std::string text) {
  if (notes) notes->push_back(std::move(text));
}

}  // namespace

int syslog_priority(std::string_view place, std::vector<std::string>* notes) {
  int priority = LOG_INFO;
  if (place.empty()) return priority;
  // Squid tests path[6] of the text after "syslog:", so shorter texts are not read.
  if (place.size() < 7) {
    add_note(notes, "squid 5.7 reads a syslog place only when it has 7 or more characters, so '" + std::string(place) +
                    "' is ignored and lines are sent as user.info, as squid sends them (write e.g. '" +
                    std::string(place) + ".info')");
    return priority;
  }
  auto separator = place.find('.');
  if (separator == std::string_view::npos) separator = place.find('|');
  std::vector<std::string_view> words{place.substr(0, separator)};
  if (separator != std::string_view::npos) words.push_back(place.substr(separator + 1));
  int named_severity = 0;
  for (auto word : words) {
    const auto* name = syslog_name(word);
    if (!name) {
      add_note(notes, "unknown syslog facility/priority '" + std::string(word) +
                      "' is ignored, as squid ignores it (squid knows authpriv, daemon, local0-local7, user; "
                      "err, warning, notice, info, debug)");
      continue;
    }
    priority |= name->value;
    if (name->severity) named_severity |= name->value;
  }
  const int severity = priority & LOG_PRIMASK;
  if (named_severity != 0 && severity != named_severity)
    add_note(notes, "squid 5.7 combines the severity named with its default (info) bit by bit, so lines are sent as '" +
                    std::string(kSeverityNames[severity]) + "', as squid sends them");
  return priority;
}

}  // namespace cuttle
