#include "proxy/log/log_destination_spec.h"

#include "proxy/log/syslog_priority.h"

#include <cerrno>
#include <cstdlib>
#include <stdexcept>

namespace cuttle {

namespace {

struct ModulePrefix {
  std::string_view prefix;
  LogModule module;
};

// logfileOpen's order; the prefixes are case-sensitive (strncmp).
constexpr ModulePrefix kModules[] = {{"stdio:", LogModule::Stdio},
                                     {"daemon:", LogModule::Daemon},
                                     {"tcp:", LogModule::Tcp},
                                     {"udp:", LogModule::Udp},
                                     {"syslog:", LogModule::Syslog}};

[[noreturn]] void refuse_destination(std::string_view text, const std::string& why) {
  throw std::invalid_argument("log destination '" + std::string(text) + "': " + why);
}

// Squid's xatos: a whole decimal number (strtoll's leading blanks and sign
// allowed) from 0 to 65535.
uint16_t port_number(std::string_view text, std::string_view whole) {
  const std::string digits(text);
  char* end = nullptr;
  errno = 0;
  const long long value = std::strtoll(digits.c_str(), &end, 10);
  if (end == digits.c_str()) refuse_destination(whole, "no digits in the port '" + digits + "'");
  if (*end != '\0') refuse_destination(whole, "the port '" + digits + "' is not a number");
  if (errno == ERANGE || value < 0 || value > 0xFFFF) refuse_destination(whole, "the port '" + digits + "' is out of range");
  return static_cast<uint16_t>(value);
}

bool all_digits_and_nonzero(std::string_view text) {
  const std::string digits(text);
  char* end = nullptr;
  return std::strtol(digits.c_str(), &end, 10) != 0 && *end == '\0';
}

// Squid's GetHostWithPort: "[v6]:port", "host:port" (port not 0), "port" (any
// address), "host" (port 0). The host is looked up when the log is opened.
void read_host_and_port(std::string_view address, std::string_view whole, LogDestinationSpec& spec) {
  if (address.starts_with("//")) address.remove_prefix(2);
  if (address.starts_with('[')) {
    const auto close = address.find(']');
    if (close == std::string_view::npos) refuse_destination(whole, "no ']' after the IPv6 address");
    if (close + 1 >= address.size() || address[close + 1] != ':') refuse_destination(whole, "no ':PORT' after the IPv6 address");
    spec.place = address.substr(1, close - 1);
    spec.port = port_number(address.substr(close + 2), whole);
  } else if (const auto colon = address.find(':'); colon != std::string_view::npos) {
    spec.place = address.substr(0, colon);
    spec.port = port_number(address.substr(colon + 1), whole);
    if (spec.port == 0) refuse_destination(whole, "port 0");
  } else if (all_digits_and_nonzero(address)) {
    spec.port = port_number(address, whole);
    return;  // any address
  } else {
    spec.place = address;
  }
  if (spec.place.empty()) refuse_destination(whole, "no host");
}

}  // namespace

std::string_view log_module_name(LogModule module) {
  for (const auto& [prefix, m] : kModules)
    if (m == module) return prefix.substr(0, prefix.size() - 1);
  return "stdio";
}

LogDestinationSpec parse_log_destination(std::string_view text) {
  LogDestinationSpec spec;
  spec.text = text;
  std::string_view place = text;
  bool prefixed = false;
  for (const auto& [prefix, module] : kModules) {
    if (!text.starts_with(prefix)) continue;
    spec.module = module;
    place.remove_prefix(prefix.size());
    prefixed = true;
    break;
  }
  if (!prefixed && text.find(':') < text.find('/'))
    spec.notes.push_back("'" + std::string(text) +
                         "' names no log module (stdio, daemon, syslog, udp, tcp); it is written as a file of that "
                         "name, as squid writes it");
  switch (spec.module) {
    case LogModule::Stdio:
    case LogModule::Daemon:
      if (place.empty()) refuse_destination(text, "missing file name");
      spec.place = place;
      break;
    case LogModule::Syslog:
      spec.place = place;
      spec.syslog_priority = syslog_priority(place, &spec.notes);
      break;
    case LogModule::Udp:
    case LogModule::Tcp:
      read_host_and_port(place, text, spec);
      break;
  }
  return spec;
}

}  // namespace cuttle
