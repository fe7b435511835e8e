// The command line as Squid admins use it: -k parse, -k reconfigure/rotate/shutdown
// through the pid file, -v, and the built-in default configuration.
#include "tests/support/cuttle_process.h"
#include "tests/support/differential.h"
#include "tests/support/http_client.h"
#include "tests/support/origin_server.h"

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <thread>

namespace cuttle::testing {
namespace cli_test {

TEST(CommandLine, ParseReportsFileAndLineOfAnUnknownDirective) {
  TempDir dir;
  dir.write("bad.conf", "http_port 3128\n# comment\nfrobnicate yes\n");
  auto r = run_command({cuttle_binary(), "-k", "parse", "-f", dir.file("bad.conf")});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find(dir.file("bad.conf") + ":3: unknown directive 'frobnicate'"), std::string::npos) << r.output;
}

TEST(CommandLine, ParseWarnsAboutSquidDirectivesNotImplemented) {
  TempDir dir;
  dir.write("ok.conf", "http_port 3128\nconnect_retries 2\n");
  auto r = run_command({cuttle_binary(), "-k", "parse", "-f", dir.file("ok.conf")});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(":2: warning: 'connect_retries'"), std::string::npos) << r.output;
}

TEST(CommandLine, ParseAcceptsTheBuiltInDefault) {
  auto r = run_command({cuttle_binary(), "-k", "parse"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "");
}

TEST(CommandLine, VersionAndHelp) {
  auto v = run_command({cuttle_binary(), "-v"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_NE(v.output.find("cuttle version " CUTTLE_VERSION_STRING), std::string::npos);
  auto h = run_command({cuttle_binary(), "-h"});
  EXPECT_EQ(h.exit_code, 0);
  EXPECT_NE(h.output.find("-k parse"), std::string::npos);
  auto bad = run_command({cuttle_binary(), "-Z"});
  EXPECT_NE(bad.exit_code, 0);
}

TEST(CommandLine, ShutdownSignalsTheRunningInstanceThroughItsPidFile) {
  CuttleProcess cuttle;
  auto r = cuttle.control({"-k", "check"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  r = cuttle.control({"-k", "shutdown"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(cuttle.stop(0, std::chrono::seconds(10)), 0);  // exited by itself, status 0
  EXPECT_FALSE(std::filesystem::exists(cuttle.dir().file("cuttle.pid")));
  r = cuttle.control({"-k", "check"});
  EXPECT_NE(r.exit_code, 0);
}

TEST(CommandLine, SecondInstanceOnTheSamePidFileRefusesToStart) {
  CuttleProcess cuttle;
  auto r = run_command({cuttle_binary(), "-N", "-f", cuttle.config_file()}, std::chrono::seconds(10));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("already running"), std::string::npos) << r.output;
}

TEST(CommandLine, ReconfigureAppliesANewPolicyAndRejectsABrokenOne) {
  OriginServer origin;
  CuttleProcess cuttle;
  EXPECT_EQ(proxy_get(cuttle.port(), origin.url("/")).result_int(), 200);

  // Deny everything from now on.
  std::string conf = read_file(cuttle.config_file());
  cuttle.dir().write("cuttle.conf", "http_access deny all\n" + conf);
  ASSERT_EQ(cuttle.control({"-k", "reconfigure"}).exit_code, 0);
  bool denied = false;
  for (int i = 0; i < 100 && !denied; ++i) {
    denied = proxy_get(cuttle.port(), origin.url("/")).result_int() == 403;
    if (!denied) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(denied);

  // A broken file: -k reconfigure refuses to signal and names the error...
  cuttle.dir().write("cuttle.conf", "no_such_directive 1\n" + conf);
  auto r = cuttle.control({"-k", "reconfigure"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("cuttle.conf:1: unknown directive 'no_such_directive'"), std::string::npos) << r.output;
  // ...and a SIGHUP sent anyway is survived: the running policy stays.
  ASSERT_EQ(::kill(cuttle.pid(), SIGHUP), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(proxy_get(cuttle.port(), origin.url("/")).result_int(), 403);
  EXPECT_NE(cuttle.output().find("reconfigure failed"), std::string::npos) << cuttle.output();
}

// logfile_rotate 0: logrotate renamed the file; -k rotate only reopens it.
TEST(CommandLine, RotateReopensTheAccessLog) {
  OriginServer origin;
  CuttleProcess cuttle("logfile_rotate 0\n");
  proxy_get(cuttle.port(), origin.url("/before"));
  ASSERT_EQ(cuttle.access_log_lines(1).size(), 1u);
  std::filesystem::rename(cuttle.access_log_path(), cuttle.access_log_path() + ".0");
  ASSERT_EQ(cuttle.control({"-k", "rotate"}).exit_code, 0);
  bool reopened = false;
  for (int i = 0; i < 100 && !reopened; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    reopened = std::filesystem::exists(cuttle.access_log_path());
  }
  ASSERT_TRUE(reopened);
  proxy_get(cuttle.port(), origin.url("/after"));
  auto lines = cuttle.access_log_lines(1);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("/after"), std::string::npos);
  EXPECT_NE(read_file(cuttle.access_log_path() + ".0").find("/before"), std::string::npos);
}

// logfile_rotate N (Squid's default is 10): -k rotate renames the log to .0, the
// older ones one number up, and keeps N of them, as squid 5.7's stdio logs do.
TEST(CommandLine, RotateRenamesAndKeepsLogfileRotateOldLogsAsSquid) {
  OriginServer origin;
  auto [by_squid, by_cuttle] = through_squid_then_cuttle("logfile_rotate 2\n", [&](auto& proxy) {
    const auto log = proxy.access_log_path();
    for (const char* path : {"/first", "/second", "/third"}) {
      proxy_get(proxy.port(), origin.url(path));
      EXPECT_NE(proxy.access_log_line_with(path), "");
      EXPECT_EQ(proxy.control({"-k", "rotate"}).exit_code, 0);
      // Rotated once the live log no longer holds this request.
      for (int i = 0; i < 200 && read_file(log).find(path) != std::string::npos; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    proxy_get(proxy.port(), origin.url("/fourth"));
    EXPECT_NE(proxy.access_log_line_with("/fourth"), "");
    // Which request each file holds.
    std::vector<std::string> held;
    for (const auto& file : {log, log + ".0", log + ".1", log + ".2"}) {
      std::string requests;
      for (const char* path : {"/first", "/second", "/third", "/fourth"})
        if (read_file(file).find(path) != std::string::npos) requests += path;
      held.push_back(std::filesystem::exists(file) ? requests : "<no file>");
    }
    return held;
  });
  EXPECT_EQ(by_cuttle, by_squid);
  EXPECT_EQ(by_squid, (std::vector<std::string>{"/fourth", "/third", "/second", "<no file>"}));
}

TEST(CommandLine, DaemonModeReturnsOnceListeningAndFailsVisiblyOnABusyPort) {
  TempDir dir;
  unsigned short port = free_port();
  dir.write("d.conf", "http_port 127.0.0.1:" + std::to_string(port) + "\npid_filename " + dir.file("d.pid") +
                          "\naccess_log none\ncache_log " + dir.file("cache.log") + "\nworkers 1\n");
  auto r = run_command({cuttle_binary(), "-f", dir.file("d.conf")});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(wait_for_port(port, std::chrono::seconds(2)));
  EXPECT_EQ(run_command({cuttle_binary(), "-f", dir.file("d.conf"), "-k", "shutdown"}).exit_code, 0);
  for (int i = 0; i < 200 && wait_for_port(port, std::chrono::milliseconds(10)); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(wait_for_port(port, std::chrono::milliseconds(50)));
}

// A daemon's cache.log is rotated by -k rotate as squid's: debug_options rotate=N
// old files (else logfile_rotate), each rotation naming the newest .0.
TEST(CommandLine, RotateRenamesADaemonsCacheLog) {
  TempDir dir;
  unsigned short port = free_port();
  const auto log = dir.file("cache.log");
  dir.write("d.conf", "http_port 127.0.0.1:" + std::to_string(port) + "\npid_filename " + dir.file("d.pid") +
                          "\naccess_log none\ncache_log " + log + "\nworkers 1\nlogfile_rotate 5\n"
                          "debug_options ALL,1 rotate=1\n");
  auto r = run_command({cuttle_binary(), "-f", dir.file("d.conf")});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto control = [&](const char* action) {
    EXPECT_EQ(run_command({cuttle_binary(), "-f", dir.file("d.conf"), "-k", action}).exit_code, 0);
  };
  auto wait_for_text = [](const std::string& file, const std::string& text) {
    for (int i = 0; i < 250 && read_file(file).find(text) == std::string::npos; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return read_file(file).find(text) != std::string::npos;
  };
  EXPECT_TRUE(wait_for_text(log, "accepting HTTP connections"));
  control("rotate");
  for (int i = 0; i < 250 && !std::filesystem::exists(log + ".0"); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  control("reconfigure");
  EXPECT_TRUE(wait_for_text(log, "reconfigured"));
  EXPECT_NE(read_file(log + ".0").find("accepting HTTP connections"), std::string::npos);
  EXPECT_EQ(read_file(log).find("accepting HTTP connections"), std::string::npos);
  control("rotate");  // rotate=1: the newest old file only
  control("shutdown");
  EXPECT_TRUE(wait_for_text(log, "shutting down"));
  EXPECT_NE(read_file(log + ".0").find("reconfigured"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(log + ".1"));
}

TEST(CommandLine, BusyPortIsAFatalStartupError) {
  OriginServer occupant;  // a plain listener without SO_REUSEPORT
  TempDir dir;
  dir.write("b.conf", "http_port 127.0.0.1:" + std::to_string(occupant.port()) + "\npid_filename " +
                          dir.file("b.pid") + "\naccess_log none\n");
  auto r = run_command({cuttle_binary(), "-N", "-f", dir.file("b.conf")}, std::chrono::seconds(10));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("cannot listen on http_port"), std::string::npos) << r.output;
}

// Start-up first checks that no one else listens on the port. That check once
// listened itself for a moment: a client connecting just then was accepted into its
// backlog and reset when it closed ("Connection reset by peer" after a successful
// connect). A client hammering the port while cuttle starts must be refused until a
// worker listens, then served.
TEST(CommandLine, AClientConnectingWhileCuttleStartsIsServedNotReset) {
  OriginServer origin;
  for (int start = 0; start < 20; ++start) {
    TempDir dir;
    const auto port = free_port();
    dir.write("c.conf", "http_port 127.0.0.1:" + std::to_string(port) + "\npid_filename " + dir.file("c.pid") +
                            "\naccess_log none\nacl loopback src 127.0.0.0/8\nhttp_access allow loopback\n");
    ChildProcess cuttle({cuttle_binary(), "-N", "-f", dir.file("c.conf")}, dir.file("out"));
    std::unique_ptr<RawConnection> connection;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!connection && std::chrono::steady_clock::now() < deadline) {
      try {
        // From 127.0.0.2: a connect from 127.0.0.1 to a port no one listens on yet
        // can pick that very port as its source port and connect to itself, which
        // would also keep cuttle from binding it.
        connection = std::make_unique<RawConnection>(port, "127.0.0.2");
      } catch (const std::exception&) {  // refused: nothing listens yet
      }
    }
    ASSERT_TRUE(connection) << "cuttle never accepted a connection: " << cuttle.output();
    connection->send(request_text("GET", origin.url("/start-" + std::to_string(start)), "Connection: close\r\n"));
    Response res;
    ASSERT_NO_THROW(res = connection->read_response()) << "start " << start << ": " << cuttle.output();
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(cuttle.stop(SIGTERM), 0);
  }
}

TEST(CommandLine, BuiltInDefaultServesLocalhostOn3128) {
  // The README's first command: no -f, listening on 127.0.0.1:3128, state in ./var.
  if (wait_for_port(3128, std::chrono::milliseconds(50))) GTEST_SKIP() << "something already listens on 3128";
  TempDir dir;
  OriginServer origin;
  ChildProcess cuttle({"/bin/sh", "-c", "cd " + dir.path() + " && exec " + cuttle_binary() + " -N"}, dir.file("out"));
  ASSERT_TRUE(wait_for_port(3128, std::chrono::seconds(10))) << cuttle.output();
  auto res = proxy_get(3128, origin.url("/via-default"));
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res.body(), "hello from origin");
  EXPECT_TRUE(std::filesystem::exists(dir.file("var/cuttle.pid")));
  EXPECT_EQ(cuttle.stop(SIGTERM), 0);
  EXPECT_NE(read_file(dir.file("var/logs/access.log")).find("/via-default"), std::string::npos);
}

}  // namespace cli_test
}  // namespace cuttle::testing

namespace cuttle::testing {
namespace cli_test {

TEST(CommandLine, SecondInstanceOnTheSamePortRefusesToStart) {
  CuttleProcess first;
  TempDir dir;
  dir.write("second.conf", "http_port 127.0.0.1:" + std::to_string(first.port()) + "\npid_filename " +
                               dir.file("second.pid") + "\naccess_log none\n");
  auto r = run_command({cuttle_binary(), "-N", "-f", dir.file("second.conf")}, std::chrono::seconds(10));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("cannot listen on http_port"), std::string::npos) << r.output;
}

}  // namespace cli_test
}  // namespace cuttle::testing
