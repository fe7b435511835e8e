// An access_log destination (log_destination_spec.h) from one fuzz input.
// Checked: parsing refuses it (std::invalid_argument) or yields the module its
// prefix names (a file otherwise), a place taken from the text, a port only
// for udp/tcp (not 0 when there is no host; an IPv6 host is what its brackets
// hold), and for syslog a priority of known
// facility bits with squid's info (6) or debug (7) severity, the same as
// syslog_priority gives for the place.
#include "proxy/log/log_destination_spec.h"
#include "proxy/log/syslog_priority.h"
#include "tests/fuzz/fuzz_target.h"

#include <syslog.h>

#include <stdexcept>
#include <string>
#include <string_view>

using namespace cuttle;

CUTTLE_FUZZ_TARGET(log_destination) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  LogDestinationSpec spec;
  try {
    spec = parse_log_destination(text);
  } catch (const std::invalid_argument&) {
    return 0;
  }
  FUZZ_CHECK(spec.text == text);
  const auto prefixed = [&](const char* prefix) { return text.starts_with(prefix); };
  const auto expected = prefixed("stdio:")    ? LogModule::Stdio
                        : prefixed("daemon:") ? LogModule::Daemon
                        : prefixed("tcp:")    ? LogModule::Tcp
                        : prefixed("udp:")    ? LogModule::Udp
                        : prefixed("syslog:") ? LogModule::Syslog
                                              : LogModule::Stdio;
  FUZZ_CHECK(spec.module == expected);
  FUZZ_CHECK(text.find(spec.place) != std::string::npos);
  switch (spec.module) {
    case LogModule::Stdio:
    case LogModule::Daemon:
      FUZZ_CHECK(!spec.place.empty() && text.ends_with(spec.place));
      FUZZ_CHECK(spec.port == 0);
      break;
    case LogModule::Syslog:
      FUZZ_CHECK(text == "syslog:" + spec.place);
      FUZZ_CHECK((spec.syslog_priority & ~(LOG_FACMASK | LOG_PRIMASK)) == 0);
      FUZZ_CHECK((spec.syslog_priority & LOG_PRIMASK) == LOG_INFO || (spec.syslog_priority & LOG_PRIMASK) == LOG_DEBUG);
      FUZZ_CHECK(spec.syslog_priority == syslog_priority(spec.place));
      break;
    case LogModule::Udp:
    case LogModule::Tcp: {
      FUZZ_CHECK(!spec.place.empty() || spec.port != 0);
      auto address = std::string_view(text).substr(4);
      if (address.starts_with("//")) address.remove_prefix(2);
      // "[v6]:port": the host is what the brackets hold.
      if (address.starts_with('[')) FUZZ_CHECK(address.substr(1).starts_with(spec.place + "]:"));
      break;
    }
  }
  return 0;
}
