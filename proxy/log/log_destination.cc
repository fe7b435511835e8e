#include "proxy/log/log_destination.h"

#include "proxy/log/daemon_destination.h"
#include "proxy/log/file_destination.h"
#include "proxy/log/syslog_destination.h"
#include "proxy/log/tcp_destination.h"
#include "proxy/log/udp_destination.h"

#include <stdexcept>
#include <system_error>

namespace cuttle {

std::unique_ptr<LogDestination> open_log_destination(const LogDestinationSpec& spec,
                                                      const LogModuleSettings& settings) {
  try {
    switch (spec.module) {
      case LogModule::Stdio:
        return std::make_unique<FileDestination>(spec.place);
      case LogModule::Daemon:
        return std::make_unique<DaemonDestination>(spec, settings);
      case LogModule::Syslog:
        return std::make_unique<SyslogDestination>(spec);
      case LogModule::Udp:
        return std::make_unique<UdpDestination>(spec, settings);
      case LogModule::Tcp:
        return std::make_unique<TcpDestination>(spec, settings);
    }
  } catch (const std::system_error& e) {
    throw std::runtime_error(spec.text + ": " + e.what());
  }
  throw std::logic_error("unknown log module");
}

}  // namespace cuttle
