// The syslog(3) priority of a `syslog:` log, computed as squid 5.7's ModSyslog
// computes it, quirks included (the admin is told of each at parse time). Pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cuttle {

// "FACILITY.PRIORITY" (or '|' between them, or one word) after "syslog:".
// Squid's names only: authpriv, daemon, local0…local7, user; err, warning,
// notice, info, debug; each also as LOG_NAME (upper case). Squid ORs every word
// into its default LOG_INFO, so a named severity other than info, warning or
// debug arrives as debug; it reads the text only when it has 7 or more
// characters. A facility left out is openlog's: user. `notes` receives what an
// admin may not expect.
int syslog_priority(std::string_view place, std::vector<std::string>* notes = nullptr);

}  // namespace cuttle
