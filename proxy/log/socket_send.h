// Sending a queue of log bytes on a non-blocking stream socket from a writer
// thread (the logfile_daemon's socket pair, a tcp:// receiver): a slow receiver
// is waited for in short polls until a deadline the caller may move closer
// (closing the log) while it waits.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string_view>

namespace cuttle {

struct SocketSendResult {
  size_t written = 0;
  bool failed = false;  // the peer is gone (EPIPE, ECONNRESET…); else all sent, or the deadline passed
};

// Sends `data` on `fd` (MSG_NOSIGNAL). `deadline()` is asked each time the socket is
// full; once it has passed, what is left stays unsent.
SocketSendResult send_until(int fd, std::string_view data,
                            const std::function<std::chrono::steady_clock::time_point()>& deadline);

}  // namespace cuttle
