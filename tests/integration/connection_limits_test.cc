// client_lifetime against squid 5.7 (a request may take at most that long from
// the moment it is parsed; an idle connection is not its business), and
// max_filedescriptors (the limit the running process has).
#include "tests/support/differential.h"
#include "tests/support/log_file.h"

#include <gtest/gtest.h>

#include <poll.h>
#include <sys/socket.h>

#include <sstream>
#include <thread>

namespace cuttle::testing {
namespace connection_limits_test {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

// Whether the proxy has closed the connection by now (without waiting for it).
bool closed_by_now(RawConnection& conn) {
  pollfd watched{conn.socket().native_handle(), POLLIN, 0};
  if (::poll(&watched, 1, 100) <= 0) return false;
  char byte;
  return ::recv(watched.fd, &byte, 1, MSG_PEEK) <= 0;
}

TEST(ClientLifetime, ALongRequestIsCutAndAnIdleConnectionIsNotAsInSquid) {
  OriginServer origin([](const RecordedRequest& req) {
    OriginReply reply;
    reply.body = "answer";
    if (req.target == "/slow") reply.delay = milliseconds(4000);
    return reply;
  });
  auto [by_squid, by_cuttle] = through_squid_then_cuttle("client_lifetime 1 second\n", [&](auto& proxy) {
    std::vector<std::string> seen;
    {
      // Answered at once, then idle for longer than the lifetime: still open.
      RawConnection conn(proxy.port());
      conn.send(request_text("GET", origin.url("/fast")));
      seen.push_back(std::to_string(conn.read_response().result_int()));
      std::this_thread::sleep_for(milliseconds(2500));
      seen.push_back(closed_by_now(conn) ? "idle connection closed" : "idle connection open");
    }
    {
      // Waiting for a slow origin: closed about a second after the request, unanswered.
      RawConnection conn(proxy.port());
      const auto start = steady_clock::now();
      conn.send(request_text("GET", origin.url("/slow")));
      const auto got = conn.read_until_close();
      const auto waited = steady_clock::now() - start;
      seen.push_back(got.empty() && waited < milliseconds(3500) ? "slow request cut unanswered" : "slow request: " + got);
    }
    return seen;
  });
  EXPECT_EQ(by_cuttle, by_squid);
  EXPECT_EQ(by_squid, (std::vector<std::string>{"200", "idle connection open", "slow request cut unanswered"}));
}

// The soft limit of open files the running process has.
std::string open_files_limit(pid_t pid) {
  std::istringstream limits(read_file("/proc/" + std::to_string(pid) + "/limits"));
  for (std::string line; std::getline(limits, line);)
    if (line.starts_with("Max open files")) {
      std::istringstream fields(line.substr(14));
      std::string soft;
      fields >> soft;
      return soft;
    }
  return "";
}

TEST(MaxFileDescriptors, SetsTheProcessLimit) {
  CuttleProcess lowered("max_filedescriptors 300\n");
  EXPECT_EQ(open_files_limit(lowered.pid()), "300");
  CuttleProcess old_name("max_filedesc 2000\n");
  EXPECT_EQ(open_files_limit(old_name.pid()), "2000");
}

}  // namespace connection_limits_test
}  // namespace cuttle::testing
