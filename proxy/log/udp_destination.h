// udp://HOST:PORT — lines sent as datagrams packed as squid 5.7 packs them
// (udp_packer.h), from a connected non-blocking socket, so sending never waits;
// an absent receiver loses them (squid does not look at send errors either).
// squid 5.7 sends a partly filled datagram only when the next line does not fit
// or the log is closed (reconfigure, shutdown), so a quiet proxy's lines could
// wait for hours; cuttle sends it once it has waited a second.
#pragma once

#include "proxy/log/log_destination.h"
#include "proxy/log/udp_packer.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace cuttle {

class UdpDestination final : public LogDestination {
 public:
  static constexpr auto kHoldLimit = std::chrono::seconds(1);

  // Looks the host up and connects the socket; throws std::runtime_error.
  UdpDestination(LogDestinationSpec spec, const LogModuleSettings& settings);
  ~UdpDestination() override;  // sends the datagram being packed

  void write_line(std::string_view line, size_t second_piece = std::string_view::npos) override;
  void rotate(int) override {}
  void flush() override;

 private:
  void send_completed();  // mutex_ held
  void send_when_held_too_long();

  const LogDestinationSpec spec_;
  int fd_ = -1;
  std::mutex mutex_;
  std::condition_variable wake_;
  UdpPacker packer_;
  std::vector<std::string> completed_;
  std::chrono::steady_clock::time_point held_since_;
  bool stopping_ = false;
  std::thread timer_;
};

}  // namespace cuttle
