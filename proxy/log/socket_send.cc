#include "proxy/log/socket_send.h"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

namespace cuttle {

SocketSendResult send_until(int fd, std::string_view data,
                            const std::function<std::chrono::steady_clock::time_point()>& deadline) {
  SocketSendResult result;
  while (result.written < data.size()) {
    const auto n = ::send(fd, data.data() + result.written, data.size() - result.written, MSG_NOSIGNAL);
    if (n > 0) {
      result.written += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (std::chrono::steady_clock::now() >= deadline()) break;
      pollfd ready{fd, POLLOUT, 0};
      ::poll(&ready, 1, 100);
      continue;
    }
    result.failed = true;
    break;
  }
  return result;
}

}  // namespace cuttle
