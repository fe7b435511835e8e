#include "proxy/log/tcp_destination.h"

#include "proxy/log/socket_send.h"

#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <iostream>

namespace cuttle {

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kTcpHeldLimit = std::chrono::seconds(1);
constexpr auto kTcpCloseDrain = std::chrono::seconds(2);

void report_tcp(const std::string& message) { std::cerr << ("cuttle: " + message + "\n") << std::flush; }

std::string address_text(const LogAddress& to) {
  char text[INET6_ADDRSTRLEN] = "";
  if (to.family() == AF_INET6) {
    const auto& a = reinterpret_cast<const sockaddr_in6&>(to.address);
    ::inet_ntop(AF_INET6, &a.sin6_addr, text, sizeof text);
    return "[" + std::string(text) + "]:" + std::to_string(ntohs(a.sin6_port));
  }
  const auto& a = reinterpret_cast<const sockaddr_in&>(to.address);
  ::inet_ntop(AF_INET, &a.sin_addr, text, sizeof text);
  return std::string(text) + ":" + std::to_string(ntohs(a.sin_port));
}

int milliseconds_until(Clock::time_point when) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(when - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 100));
}

}  // namespace

TcpDestination::TcpDestination(LogDestinationSpec spec, const LogModuleSettings& settings)
    : spec_(std::move(spec)),
      address_(resolve_log_address(spec_)),
      remote_(address_text(address_)),
      capacity_(std::max(settings.buffer_size, kMinCapacity)),
      buffered_(settings.buffered),
      die_on_error_(settings.die_on_error) {
  if (settings.buffer_size < kMinCapacity)
    report_tcp("WARNING: tcp:" + remote_ + " logger configured buffer size " + std::to_string(settings.buffer_size) +
           " is smaller than the " + std::to_string(kMinCapacity) + "-byte minimum. Using the minimum instead.");
  writer_ = std::thread([this] { run(); });
}

TcpDestination::~TcpDestination() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    stop_deadline_ = Clock::now() + kTcpCloseDrain;
  }
  wake_.notify_one();
  writer_.join();
  disconnect();
}

void TcpDestination::write_line(std::string_view line, size_t) {
  if (line.empty()) return;
  bool wake;
  {
    std::lock_guard lock(mutex_);
    const size_t in_buffer = queued_.size() + writing_;
    if (in_buffer + line.size() > capacity_) {
      if (drops_ == 0 || die_on_error_)
        report_tcp("tcp:" + remote_ + " logger " + std::to_string(capacity_) + "-byte buffer overflowed; cannot fit " +
               std::to_string(in_buffer + line.size() - capacity_) + " bytes");
      if (die_on_error_) {
        report_tcp("FATAL: tcp logger buffer overflowed");
        std::_Exit(1);  // squid's fatal(): on-error=die kills the worker
      }
      if (drops_++ == 0) report_tcp("tcp:" + remote_ + " logger starts dropping records.");
      return;
    }
    if (drops_ > 0) {
      report_tcp("tcp:" + remote_ + " logger stops dropping records after " + std::to_string(drops_) +
             " drops; current buffer use: " + std::to_string(in_buffer + line.size()) + " out of " +
             std::to_string(capacity_) + " bytes");
      drops_ = 0;
    }
    if (queued_.empty()) queued_since_ = Clock::now();
    queued_ += line;
    wake = write_wanted();
  }
  if (wake) wake_.notify_one();
}

void TcpDestination::flush() {
  {
    std::lock_guard lock(mutex_);
    flush_requested_ = true;
  }
  wake_.notify_one();
}

bool TcpDestination::write_wanted() const {
  if (queued_.empty()) return false;
  return !buffered_ || flush_requested_ || queued_.size() > kIoBufferSize ||
         Clock::now() - queued_since_ >= kTcpHeldLimit;
}

void TcpDestination::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (fd_ < 0) {
      lock.unlock();
      const bool connected = connect_once();
      lock.lock();
      if (!connected) {
        wake_.wait_for(lock, kReconnectDelay, [&] { return stopping_; });
        continue;
      }
    }
    // Idle, the connection is looked at every second; a buffered line waits a second at most.
    const auto next_check = queued_.empty() ? Clock::now() + kTcpHeldLimit : queued_since_ + kTcpHeldLimit;
    wake_.wait_until(lock, next_check, [&] { return stopping_ || write_wanted(); });
    if (stopping_) break;
    lock.unlock();
    const bool closed = peer_closed();
    lock.lock();
    if (closed) {
      disconnect();
      continue;
    }
    if (!write_wanted()) continue;
    flush_requested_ = false;
    std::string data;
    data.swap(queued_);
    writing_ = data.size();
    lock.unlock();
    const bool ok = write_all(data, Clock::time_point::max());
    lock.lock();
    writing_ = 0;
    if (!ok) {  // TcpLogger::writeDone: keep what was not written, reconnect
      if (queued_.empty()) queued_since_ = Clock::now();
      queued_.insert(0, data);
      disconnect();
    }
  }
  // Closing (TcpLogger::endGracefully): what is queued, if the receiver is there.
  std::string data;
  data.swap(queued_);
  lock.unlock();
  if (fd_ >= 0 && !data.empty()) write_all(data, stop_deadline_);
}

bool TcpDestination::connect_once() {
  fd_ = ::socket(address_.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  bool connected = false;
  if (fd_ >= 0) {
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address_.address), address_.length) == 0) {
      connected = true;
    } else if (errno == EINPROGRESS) {
      const auto give_up = Clock::now() + kConnectTimeout;
      pollfd ready{fd_, POLLOUT, 0};
      while (Clock::now() < give_up) {
        {
          std::lock_guard lock(mutex_);
          if (stopping_) break;
        }
        if (::poll(&ready, 1, milliseconds_until(give_up)) > 0) {
          int error = 0;
          socklen_t length = sizeof error;
          ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &length);
          connected = error == 0;
          break;
        }
      }
    }
  }
  if (!connected) {
    disconnect();
    if (connect_failures_++ % 100 == 0)
      report_tcp("tcp:" + remote_ + " logger connection attempt #" + std::to_string(connect_failures_) +
             " failed. Will keep trying every 0.50 seconds.");
    return false;
  }
  if (connect_failures_ > 0) {
    report_tcp("tcp:" + remote_ + " logger connectivity restored after " + std::to_string(connect_failures_ + 1) +
           " attempts.");
    connect_failures_ = 0;
  }
  return true;
}

bool TcpDestination::peer_closed() {
  char scratch[512];
  for (;;) {
    const auto n = ::recv(fd_, scratch, sizeof scratch, MSG_DONTWAIT);
    if (n > 0) continue;  // a receiver that talks back is not listened to
    if (n == 0) return true;
    return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
  }
}

bool TcpDestination::write_all(std::string& data, Clock::time_point give_up) {
  const auto sent = send_until(fd_, data, [&] {
    std::lock_guard lock(mutex_);
    return stopping_ ? std::min(give_up, stop_deadline_) : give_up;
  });
  data.erase(0, sent.written);
  return !sent.failed && data.empty();
}

void TcpDestination::disconnect() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

}  // namespace cuttle
