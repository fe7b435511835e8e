// Where access_log lines go, read as squid 5.7's logfileOpen reads the place
// (src/log/File.cc, ModSyslog.cc, GetHostWithPort), and the pure parts of the
// modules: the daemon's line protocol (ModDaemon.cc) and udp's datagrams (ModUdp.cc).
#include "proxy/log/daemon_stream.h"
#include "proxy/log/log_destination_spec.h"
#include "proxy/log/syslog_priority.h"
#include "proxy/log/udp_packer.h"

#include <gtest/gtest.h>
#include <syslog.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace cuttle {
namespace log_destination_spec_test {

std::string refusal_of(std::string_view text) {
  try {
    parse_log_destination(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(LogDestinationSpec, ModulesByTheirPrefixAndAnythingElseIsAFile) {
  EXPECT_EQ(parse_log_destination("stdio:/var/log/a.log").module, LogModule::Stdio);
  EXPECT_EQ(parse_log_destination("stdio:/var/log/a.log").place, "/var/log/a.log");
  EXPECT_EQ(parse_log_destination("/var/log/a.log").module, LogModule::Stdio);
  EXPECT_EQ(parse_log_destination("/var/log/a.log").place, "/var/log/a.log");
  const auto daemon = parse_log_destination("daemon:mysql://db/squid");  // the daemon decides what it means
  EXPECT_EQ(daemon.module, LogModule::Daemon);
  EXPECT_EQ(daemon.place, "mysql://db/squid");
  EXPECT_EQ(parse_log_destination("syslog:local4.info").module, LogModule::Syslog);
  EXPECT_EQ(parse_log_destination("udp://127.0.0.1:514").module, LogModule::Udp);
  EXPECT_EQ(parse_log_destination("tcp://127.0.0.1:514").module, LogModule::Tcp);
  // Prefixes are case-sensitive (strncmp): this is a file, as squid writes it.
  const auto file = parse_log_destination("UDP://h:1");
  EXPECT_EQ(file.module, LogModule::Stdio);
  EXPECT_EQ(file.notes.size(), 1u);
  EXPECT_TRUE(parse_log_destination("/a:b").notes.empty());  // a colon after a slash is a path
}

TEST(LogDestinationSpec, HostAndPortAsSquidsGetHostWithPort) {
  auto udp = parse_log_destination("udp://logs.example:5140");
  EXPECT_EQ(udp.place, "logs.example");
  EXPECT_EQ(udp.port, 5140);
  auto without_slashes = parse_log_destination("tcp:10.0.0.1:601");
  EXPECT_EQ(without_slashes.place, "10.0.0.1");
  EXPECT_EQ(without_slashes.port, 601);
  auto v6 = parse_log_destination("udp://[::1]:514");
  EXPECT_EQ(v6.place, "::1");
  EXPECT_EQ(v6.port, 514);
  auto port_only = parse_log_destination("udp://514");  // any address
  EXPECT_EQ(port_only.place, "");
  EXPECT_EQ(port_only.port, 514);
  auto host_only = parse_log_destination("tcp://loghost");  // port 0, as squid takes it
  EXPECT_EQ(host_only.place, "loghost");
  EXPECT_EQ(host_only.port, 0);
  EXPECT_EQ(parse_log_destination("udp://h:+80").port, 80);  // strtoll's sign
}

TEST(LogDestinationSpec, BadAddressesAreRefusedSayingWhy) {
  EXPECT_EQ(refusal_of("udp://h:0"), "log destination 'udp://h:0': port 0");
  EXPECT_EQ(refusal_of("udp://h:"), "log destination 'udp://h:': no digits in the port ''");
  EXPECT_EQ(refusal_of("tcp://h:80x"), "log destination 'tcp://h:80x': the port '80x' is not a number");
  EXPECT_EQ(refusal_of("tcp://h:-1"), "log destination 'tcp://h:-1': the port '-1' is out of range");
  EXPECT_EQ(refusal_of("tcp://[::1]"), "log destination 'tcp://[::1]': no ':PORT' after the IPv6 address");
  EXPECT_EQ(refusal_of("tcp://[::1:80"), "log destination 'tcp://[::1:80': no ']' after the IPv6 address");
  EXPECT_EQ(refusal_of("udp://:514"), "log destination 'udp://:514': no host");
  EXPECT_EQ(refusal_of("udp://"), "log destination 'udp://': no host");
  EXPECT_EQ(refusal_of("stdio:"), "log destination 'stdio:': missing file name");
}

// The priorities squid 5.7 sends (seen on the wire: tests/integration/log_modules_test.cc).
TEST(SyslogPriority, AsSquidComputesIt) {
  EXPECT_EQ(syslog_priority(""), LOG_INFO);  // facility: openlog's, user
  EXPECT_EQ(syslog_priority("local4.info"), LOG_LOCAL4 | LOG_INFO);
  EXPECT_EQ(syslog_priority("LOG_LOCAL1.warning"), LOG_LOCAL1 | LOG_INFO);  // 6|4
  EXPECT_EQ(syslog_priority("local4.err"), LOG_LOCAL4 | LOG_DEBUG);        // 6|3
  EXPECT_EQ(syslog_priority("local2|notice"), LOG_LOCAL2 | LOG_DEBUG);     // 6|5
  EXPECT_EQ(syslog_priority("DAEMON.DEBUG"), LOG_DAEMON | LOG_DEBUG);
  EXPECT_EQ(syslog_priority("authpriv.info"), LOG_AUTHPRIV | LOG_INFO);
  EXPECT_EQ(syslog_priority("info.local7"), LOG_LOCAL7 | LOG_INFO);  // either order: squid ORs them
  EXPECT_EQ(syslog_priority("bogus.info"), LOG_INFO);
  EXPECT_EQ(syslog_priority("log_local0.info"), LOG_INFO);  // LOG_ names are exact
  // Under 7 characters squid does not read it at all.
  EXPECT_EQ(syslog_priority("local4"), LOG_INFO);
  EXPECT_EQ(syslog_priority("daemon"), LOG_INFO);
  EXPECT_EQ(syslog_priority("err"), LOG_INFO);
  EXPECT_EQ(syslog_priority("LOG_LOCAL3"), LOG_LOCAL3 | LOG_INFO);
}

TEST(SyslogPriority, NamesSquidDoesNotKnowAreNoted) {
  std::vector<std::string> notes;
  EXPECT_EQ(syslog_priority("kern.crit", &notes), LOG_INFO);
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_NE(notes[0].find("unknown syslog facility/priority 'kern'"), std::string::npos);
  EXPECT_NE(notes[1].find("'crit'"), std::string::npos);
  notes.clear();
  syslog_priority("local4.info", &notes);
  syslog_priority("local4.debug", &notes);
  syslog_priority("", &notes);
  EXPECT_TRUE(notes.empty());
}

// ModDaemon.cc, buffered_logs off: "r"/"b" first; each line starts a write with
// an "F" after it unless one is already pending.
TEST(DaemonStream, UnbufferedLinesEachStartAWriteEndingWithF) {
  DaemonStream stream(10, false);
  EXPECT_FALSE(stream.write_wanted());  // the header waits for the first write
  EXPECT_TRUE(stream.add_line("one\n"));
  EXPECT_TRUE(stream.write_wanted());
  EXPECT_EQ(stream.take(), "r10\nb0\nLone\nF\n");
  // A line logged while that write is under way joins it, without an F.
  EXPECT_TRUE(stream.add_line("two\n"));
  EXPECT_EQ(stream.take(), "Ltwo\n");
  stream.drained();
  stream.add_line("three\n");
  EXPECT_EQ(stream.take(), "Lthree\nF\n");
}

TEST(DaemonStream, TheFlushEventWritesWhatWaitsAndRotateIsR) {
  DaemonStream stream(0, true);
  stream.tick();
  EXPECT_EQ(stream.take(), "r0\nb1\nF\n");
  stream.drained();
  stream.tick();  // nothing queued: nothing to write, no F
  EXPECT_FALSE(stream.write_wanted());
  stream.rotate();
  EXPECT_FALSE(stream.write_wanted());  // squid queues R for the next write
  stream.add_line("a\n");
  stream.add_line("b\n");
  EXPECT_FALSE(stream.write_wanted());  // buffered: the lines wait
  stream.tick();
  EXPECT_EQ(stream.take(), "R\nLa\nLb\nF\n");
}

TEST(DaemonStream, BufferedLinesStartAWriteOnceTheFirstBufferIsFull) {
  DaemonStream stream(10, true);
  const std::string line(1000, 'x');
  while (!stream.write_wanted()) ASSERT_TRUE(stream.add_line(line + "\n"));
  const auto taken = stream.take();
  EXPECT_GT(taken.size(), DaemonStream::kBufferSize);
  EXPECT_FALSE(taken.ends_with("F\n"));  // the first buffer is full: no room for it
}

TEST(DaemonStream, PastSquidsQueueLimitLinesAreDropped) {
  DaemonStream stream(10, true);
  const std::string line(4096, 'x');
  size_t kept = 0;
  while (stream.add_line(line + "\n")) ++kept;
  EXPECT_GT(stream.queued_bytes(), DaemonStream::kMaxQueued);
  EXPECT_LE(stream.queued_bytes(), DaemonStream::kMaxQueued + line.size() + 2);
  EXPECT_GT(kept, 1000u);
}

TEST(DaemonStream, ADaemonStartedAgainGetsTheHeaderThenWhatTheLastOneDidNotRead) {
  DaemonStream stream(3, false);
  stream.add_line("one\n");
  (void)stream.take();
  stream.add_line("two\n");
  stream.restart_with_header("Lunsent\n");
  EXPECT_EQ(stream.take(), "r3\nb0\nLunsent\nLtwo\nF\n");
}

// ModUdp.cc with its default buffer: 1400-byte datagrams of whole pieces.
TEST(UdpPacker, PiecesArePackedUntilTheNextWouldNotFitWithFourToSpare) {
  UdpPacker packer(64 * 1024);
  std::vector<std::string> sent;
  const std::string line(112, 'a');
  for (int i = 0; i < 12; ++i) packer.add(line + "\n", sent);
  EXPECT_TRUE(sent.empty());  // 12 * 113 = 1356; 1356 + 113 + 4 > 1400
  packer.add(line + "\n", sent);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].size(), 12u * 113);
  EXPECT_TRUE(packer.holding());
  packer.flush(sent);
  EXPECT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1].size(), 113u);
  EXPECT_FALSE(packer.holding());
}

TEST(UdpPacker, BigPiecesGoAloneAndBufferSizeZeroSendsEachPiece) {
  UdpPacker packer(64 * 1024);
  std::vector<std::string> sent;
  packer.add("small\n", sent);
  packer.add(std::string(1401, 'b'), sent);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0], "small\n");
  EXPECT_EQ(sent[1].size(), 1401u);
  UdpPacker unbuffered(0);
  sent.clear();
  unbuffered.add("line ", sent);
  unbuffered.add("[headers]\n", sent);
  EXPECT_EQ(sent, (std::vector<std::string>{"line ", "[headers]\n"}));
  UdpPacker small(100);  // buffer-size below 1400 is the datagram's limit
  sent.clear();
  for (int i = 0; i < 10; ++i) small.add(std::string(19, 'c') + "\n", sent);
  EXPECT_EQ(sent.size(), 2u);  // 4 pieces (80 bytes) each: 80 + 20 + 4 > 100
  EXPECT_EQ(sent[0].size(), 80u);
}

}  // namespace log_destination_spec_test
}  // namespace cuttle
