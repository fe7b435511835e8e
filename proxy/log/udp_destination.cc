#include "proxy/log/udp_destination.h"

#include "proxy/log/log_address.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace cuttle {

UdpDestination::UdpDestination(LogDestinationSpec spec, const LogModuleSettings& settings)
    : spec_(std::move(spec)), packer_(settings.buffer_size) {
  const auto to = resolve_log_address(spec_);
  fd_ = ::socket(to.family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error("Unable to open UDP socket for logging to " + spec_.text + ": " + std::strerror(errno));
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&to.address), to.length) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd_);
    throw std::runtime_error("Unable to connect to " + spec_.text + " for UDP log: " + why);
  }
  timer_ = std::thread([this] { send_when_held_too_long(); });
}

UdpDestination::~UdpDestination() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  timer_.join();
  flush();
  ::close(fd_);
}

void UdpDestination::write_line(std::string_view line, size_t second_piece) {
  bool started_holding;
  {
    std::lock_guard lock(mutex_);
    const bool was_holding = packer_.holding();
    if (second_piece < line.size()) {
      packer_.add(line.substr(0, second_piece), completed_);
      packer_.add(line.substr(second_piece), completed_);
    } else {
      packer_.add(line, completed_);
    }
    const bool new_datagram = !completed_.empty();  // what is held now started after it
    send_completed();
    started_holding = !was_holding && packer_.holding();
    if (packer_.holding() && (started_holding || new_datagram)) held_since_ = std::chrono::steady_clock::now();
  }
  if (started_holding) wake_.notify_one();
}

void UdpDestination::flush() {
  std::lock_guard lock(mutex_);
  packer_.flush(completed_);
  send_completed();
}

void UdpDestination::send_completed() {
  for (const auto& datagram : completed_)
    [[maybe_unused]] auto n = ::send(fd_, datagram.data(), datagram.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  completed_.clear();
}

void UdpDestination::send_when_held_too_long() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait(lock, [&] { return stopping_ || packer_.holding(); });
    if (stopping_) return;
    const auto due = held_since_ + kHoldLimit;
    if (wake_.wait_until(lock, due, [&] { return stopping_; })) return;
    if (packer_.holding() && std::chrono::steady_clock::now() >= held_since_ + kHoldLimit) {
      packer_.flush(completed_);
      send_completed();
    }
  }
}

}  // namespace cuttle
