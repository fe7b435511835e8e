// tcp://HOST:PORT — lines streamed to a TCP receiver as squid 5.7's TcpLogger
// streams them. A buffer of buffer-size bytes (at least 32 KiB) holds lines
// until they are written: with buffered_logs off each line's end starts a
// write, with it on a write starts once 16 KiB are queued (cuttle also writes
// what has waited a second; squid 5.7 waits for the 16 KiB). Connecting (2
// seconds at most) is retried every half second, the first and every 100th
// failure reported; a failed write keeps what was not written and reconnects.
// Lines that do not fit the buffer end cuttle (on-error=die, squid's default:
// "FATAL: tcp logger buffer overflowed") or are dropped (on-error=drop), with
// squid's messages. cuttle also reconnects as soon as the receiver closes the
// connection, where squid finds out by losing the next write.
#pragma once

#include "proxy/log/log_address.h"
#include "proxy/log/log_destination.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace cuttle {

class TcpDestination final : public LogDestination {
 public:
  static constexpr size_t kIoBufferSize = 2 * 8192;              // 2*MAX_URL
  static constexpr size_t kMinCapacity = 2 * kIoBufferSize;      // BufferCapacityMin
  static constexpr auto kConnectTimeout = std::chrono::seconds(2);
  static constexpr auto kReconnectDelay = std::chrono::milliseconds(500);

  // Looks the host up (throws std::runtime_error) and starts connecting.
  TcpDestination(LogDestinationSpec spec, const LogModuleSettings& settings);
  // Writes what is queued if connected (for up to 2 seconds), then closes.
  ~TcpDestination() override;

  void write_line(std::string_view line, size_t second_piece = std::string_view::npos) override;
  void rotate(int) override {}
  void flush() override;

 private:
  void run();
  bool connect_once();
  bool peer_closed();
  // Writes `data` until done or `give_up`; false on an error (the rest stays in `data`).
  bool write_all(std::string& data, std::chrono::steady_clock::time_point give_up);
  bool write_wanted() const;  // mutex_ held
  void disconnect();

  const LogDestinationSpec spec_;
  const LogAddress address_;
  const std::string remote_;  // squid's way of printing it: "127.0.0.1:5000", "[::1]:5000"
  const size_t capacity_;
  const bool buffered_;
  const bool die_on_error_;
  int fd_ = -1;                 // the writer thread's
  unsigned connect_failures_ = 0;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::string queued_;
  size_t writing_ = 0;          // bytes taken by the writer and not yet written
  bool flush_requested_ = false;
  std::chrono::steady_clock::time_point queued_since_;
  size_t drops_ = 0;
  bool stopping_ = false;
  std::chrono::steady_clock::time_point stop_deadline_;  // closing gives up writing then
  std::thread writer_;
};

}  // namespace cuttle
