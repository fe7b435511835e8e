// The log modules over real sockets and processes, in-process: udp datagrams,
// tcp streams (receiver absent, gone, full buffer), the logfile_daemon protocol
// (what a daemon receives, a daemon that dies, one that hangs), a file's
// rotation. The protocol bytes are squid's (tests/integration/log_modules_test.cc
// compares them with squid 5.7's); here: what happens around them.
#include "proxy/log/daemon_destination.h"
#include "proxy/log/file_destination.h"
#include "proxy/log/log_destination.h"
#include "proxy/log/tcp_destination.h"
#include "proxy/log/udp_destination.h"
#include "tests/support/temp_dir.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace cuttle::testing {
namespace log_destinations_test {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A socket of the test's on 127.0.0.1 (port chosen by the kernel unless given).
int bound_socket(int type, unsigned short port = 0) {
  const int fd = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in at{};
  at.sin_family = AF_INET;
  at.sin_port = htons(port);
  at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&at), sizeof at) != 0) ADD_FAILURE() << "bind: " << errno;
  if (type == SOCK_STREAM) ::listen(fd, 8);
  return fd;
}

unsigned short port_of(int fd) {
  sockaddr_in at{};
  socklen_t length = sizeof at;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&at), &length);
  return ntohs(at.sin_port);
}

bool readable(int fd, std::chrono::milliseconds within) {
  pollfd ready{fd, POLLIN, 0};
  return ::poll(&ready, 1, static_cast<int>(within.count())) > 0;
}

std::optional<std::string> next_datagram(int fd, std::chrono::milliseconds within) {
  if (!readable(fd, within)) return std::nullopt;
  std::string datagram(65536, '\0');
  const auto n = ::recv(fd, datagram.data(), datagram.size(), 0);
  datagram.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return datagram;
}

// Reads what arrives on `connection` until `want` bytes have (or `within` passed).
std::string read_stream(int connection, size_t want, std::chrono::milliseconds within) {
  std::string got;
  const auto deadline = Clock::now() + within;
  while (got.size() < want && Clock::now() < deadline) {
    if (!readable(connection, 50ms)) continue;
    char buffer[65536];
    const auto n = ::recv(connection, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    got.append(buffer, static_cast<size_t>(n));
  }
  return got;
}

int accept_within(int listener, std::chrono::milliseconds within) {
  if (!readable(listener, within)) return -1;
  return ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
}

std::string numbered_line(int i, size_t length = 112) {
  auto line = "line " + std::to_string(i) + " ";
  line.resize(length, 'x');
  return line + "\n";
}

std::unique_ptr<LogDestination> open(const std::string& text, LogModuleSettings settings = {}) {
  return open_log_destination(parse_log_destination(text), settings);
}

TEST(UdpLog, DatagramsArePackedAsSquidsAndAHeldOneGoesAfterASecond) {
  const int receiver = bound_socket(SOCK_DGRAM);
  auto log = open("udp://127.0.0.1:" + std::to_string(port_of(receiver)));
  for (int i = 0; i < 13; ++i) log->write_line(numbered_line(i));
  const auto first = next_datagram(receiver, 2s);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->size(), 12u * 113);  // as squid: the 13th would not fit with 4 to spare
  EXPECT_TRUE(first->starts_with("line 0 ") && first->ends_with(numbered_line(11)));
  EXPECT_FALSE(next_datagram(receiver, 500ms));  // held
  const auto held = next_datagram(receiver, 1500ms);
  ASSERT_TRUE(held);
  EXPECT_EQ(*held, numbered_line(12));
  log->write_line("last\n");
  log.reset();  // closing sends what is held, as squid's close
  EXPECT_EQ(next_datagram(receiver, 1s), "last\n");
  ::close(receiver);
}

TEST(UdpLog, PiecesGoSeparatelyWithBufferSizeZeroAndAnAbsentReceiverCostsNothing) {
  const int receiver = bound_socket(SOCK_DGRAM);
  auto log = open("udp://127.0.0.1:" + std::to_string(port_of(receiver)), {.buffer_size = 0});
  log->write_line("main part [headers]\n", 10);
  EXPECT_EQ(next_datagram(receiver, 1s), "main part ");
  EXPECT_EQ(next_datagram(receiver, 1s), "[headers]\n");
  ::close(receiver);  // nobody there: ICMP refusals, ignored as squid ignores them
  const auto start = Clock::now();
  for (int i = 0; i < 1000; ++i) log->write_line(numbered_line(i));
  EXPECT_LT(Clock::now() - start, 1s);
}

TEST(TcpLog, LinesWaitForAnAbsentReceiverAndArriveWhenItListens) {
  const int placeholder = bound_socket(SOCK_STREAM);
  const auto port = port_of(placeholder);
  ::close(placeholder);  // nothing listens there now
  auto log = open("tcp://127.0.0.1:" + std::to_string(port));
  log->write_line(numbered_line(1));
  log->write_line(numbered_line(2));
  std::this_thread::sleep_for(700ms);  // a failed attempt or two
  const int listener = bound_socket(SOCK_STREAM, port);
  const int connection = accept_within(listener, 3s);
  ASSERT_GE(connection, 0);
  EXPECT_EQ(read_stream(connection, 2 * 113, 3s), numbered_line(1) + numbered_line(2));
  log->write_line(numbered_line(3));  // buffered_logs off: written at once
  EXPECT_EQ(read_stream(connection, 113, 2s), numbered_line(3));
  ::close(connection);
  ::close(listener);
}

TEST(TcpLog, AReceiverThatClosesGetsANewConnectionAndNoLineIsLost) {
  const int listener = bound_socket(SOCK_STREAM);
  auto log = open("tcp://127.0.0.1:" + std::to_string(port_of(listener)));
  int connection = accept_within(listener, 3s);
  ASSERT_GE(connection, 0);
  log->write_line(numbered_line(1));
  EXPECT_EQ(read_stream(connection, 113, 2s), numbered_line(1));
  ::close(connection);
  std::this_thread::sleep_for(1200ms);  // cuttle notices the close within a second
  log->write_line(numbered_line(2));
  connection = accept_within(listener, 3s);
  ASSERT_GE(connection, 0);
  EXPECT_EQ(read_stream(connection, 113, 2s), numbered_line(2));
  ::close(connection);
  ::close(listener);
}

TEST(TcpLog, BufferedLinesWaitForSixteenKilobytesOrASecond) {
  const int listener = bound_socket(SOCK_STREAM);
  auto log = open("tcp://127.0.0.1:" + std::to_string(port_of(listener)), {.buffered = true});
  const int connection = accept_within(listener, 3s);
  ASSERT_GE(connection, 0);
  log->write_line(numbered_line(1));
  EXPECT_EQ(read_stream(connection, 113, 400ms), "");
  EXPECT_EQ(read_stream(connection, 113, 1500ms), numbered_line(1));
  std::string many;
  for (int i = 0; i < 150; ++i) many += numbered_line(i);  // 16950 bytes: more than one I/O buffer
  for (int i = 0; i < 150; ++i) log->write_line(numbered_line(i));
  const auto first = read_stream(connection, 16 * 1024, 500ms);  // a write starts past 16 KiB
  EXPECT_GE(first.size(), 16 * 1024u);
  EXPECT_EQ(first + read_stream(connection, many.size() - first.size(), 1500ms), many);
  ::close(connection);
  ::close(listener);
}

TEST(TcpLog, OnErrorDropDropsWhatDoesNotFitTheBuffer) {
  const int placeholder = bound_socket(SOCK_STREAM);
  const auto port = port_of(placeholder);
  ::close(placeholder);
  auto log = open("tcp://127.0.0.1:" + std::to_string(port), {.buffer_size = 0, .die_on_error = false});
  const auto start = Clock::now();
  for (int i = 0; i < 400; ++i) log->write_line(numbered_line(i));  // 45200 bytes; 32768 fit
  EXPECT_LT(Clock::now() - start, 500ms);
  const int listener = bound_socket(SOCK_STREAM, port);
  const int connection = accept_within(listener, 3s);
  ASSERT_GE(connection, 0);
  const auto got = read_stream(connection, 400 * 113, 3s);
  EXPECT_EQ(got.size(), (32768 / 113) * 113u);  // whole lines, the first ones
  EXPECT_TRUE(got.ends_with(numbered_line(32768 / 113 - 1)));
  ::close(connection);
  ::close(listener);
}

// on-error=die (squid's default): a full buffer ends the process, as squid's fatal().
TEST(TcpLogDeathTest, OnErrorDieEndsTheProcessWhenTheBufferOverflows) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const int placeholder = bound_socket(SOCK_STREAM);
  const auto port = port_of(placeholder);
  ::close(placeholder);
  EXPECT_EXIT(
      {
        auto log = open("tcp://127.0.0.1:" + std::to_string(port));  // 64 KiB of buffer
        for (int i = 0; i < 700; ++i) log->write_line(numbered_line(i));
        std::exit(0);
      },
      ::testing::ExitedWithCode(1), "FATAL: tcp logger buffer overflowed");
}

// A daemon of the test's: records its arguments and every byte it is sent.
std::string recording_daemon(const TempDir& dir) {
  const auto path = dir.file("recorder.sh");
  dir.write("recorder.sh", "#!/bin/sh\ntrap '' TERM\necho \"ARGS $# $1\" >> " + dir.file("record") +
                               "\nexec cat >> " + dir.file("record") + "\n");
  ::chmod(path.c_str(), 0755);
  return path;
}

std::string wait_for_record(const TempDir& dir, const std::string& ending, std::chrono::milliseconds within = 5s) {
  const auto deadline = Clock::now() + within;
  std::string record;
  while (Clock::now() < deadline) {
    record = read_file(dir.file("record"));
    if (record.ends_with(ending)) break;
    std::this_thread::sleep_for(20ms);
  }
  return record;
}

TEST(DaemonLog, TheDaemonGetsItsPlaceAndSquidsProtocol) {
  TempDir dir("cuttle-daemon-log");
  auto log = open("daemon:/some/where.log", {.daemon_program = recording_daemon(dir), .daemon_rotate_count = 3});
  log->write_line("first\n");
  EXPECT_EQ(wait_for_record(dir, "F\n"), "ARGS 1 /some/where.log\nr3\nb0\nLfirst\nF\n");
  log->rotate(7);  // the count was told once: "r3"
  std::this_thread::sleep_for(1300ms);  // the flush event writes it
  log->write_line("second\n");
  EXPECT_EQ(wait_for_record(dir, "Lsecond\nF\n"), "ARGS 1 /some/where.log\nr3\nb0\nLfirst\nF\nR\nF\nLsecond\nF\n");
}

TEST(DaemonLog, ADaemonThatDiesIsStartedAgainWithTheHeaderFirst) {
  TempDir dir("cuttle-daemon-log");
  auto log = open("daemon:x", {.daemon_program = recording_daemon(dir)});
  auto* daemon = dynamic_cast<DaemonDestination*>(log.get());
  ASSERT_TRUE(daemon);
  log->write_line("before\n");
  wait_for_record(dir, "F\n");
  const pid_t first = daemon->daemon_pid();
  ::kill(first, SIGKILL);
  const auto deadline = Clock::now() + 5s;
  while (daemon->daemon_pid() == first && Clock::now() < deadline) std::this_thread::sleep_for(20ms);
  ASSERT_NE(daemon->daemon_pid(), first);
  log->write_line("after\n");
  EXPECT_EQ(wait_for_record(dir, "Lafter\nF\n"),
            "ARGS 1 x\nr10\nb0\nLbefore\nF\nARGS 1 x\nr10\nb0\nF\nLafter\nF\n");
}

TEST(DaemonLog, AHungDaemonNeverHoldsUpLoggingOrClosing) {
  TempDir dir("cuttle-daemon-log");
  const auto program = dir.file("hung.sh");
  dir.write("hung.sh", "#!/bin/sh\nexec sleep 600\n");  // never reads its input
  ::chmod(program.c_str(), 0755);
  auto log = open("daemon:x", {.daemon_program = program});
  const auto start = Clock::now();
  const std::string line(1000, 'x');
  for (int i = 0; i < 10000; ++i) log->write_line(line + "\n");  // 10 MB: more than squid's 4 MiB queue
  EXPECT_LT(Clock::now() - start, 2s);
  const auto closing = Clock::now();
  log.reset();
  EXPECT_LT(Clock::now() - closing, 4s);  // 2 s for what is queued, half a second to exit, then SIGTERM
}

TEST(DaemonLog, AProgramThatCannotStartIsAnErrorNamingIt) {
  try {
    open("daemon:/x.log", {.daemon_program = "/nonexistent/log_daemon"});
    FAIL() << "opened";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/log_daemon"), std::string::npos) << e.what();
  }
}

TEST(FileLog, LinesAreAppendedAndRotateKeepsNumberedCopies) {
  TempDir dir("cuttle-file-log");
  auto log = open("stdio:" + dir.file("sub/store.log"));
  log->write_line("one\n");
  EXPECT_EQ(read_file(dir.file("sub/store.log")), "one\n");
  log->rotate(2);
  log->write_line("two\n");
  log->rotate(2);
  log->write_line("three\n");
  EXPECT_EQ(read_file(dir.file("sub/store.log")), "three\n");
  EXPECT_EQ(read_file(dir.file("sub/store.log.0")), "two\n");
  EXPECT_EQ(read_file(dir.file("sub/store.log.1")), "one\n");
}

}  // namespace log_destinations_test
}  // namespace cuttle::testing
