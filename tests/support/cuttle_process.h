// build/cuttle started in the foreground on a free loopback port with a config the
// test writes, its pid file, access.log and stderr in a private directory.
#pragma once

#include "tests/support/child_process.h"
#include "tests/support/config_rewrite.h"
#include "tests/support/temp_dir.h"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace cuttle::testing {

// The cuttle binary the tests run: $CUTTLE_TEST_BINARY when set (a sanitizer
// build's, scripts/test-sanitizers.sh), else the one built beside the tests.
const std::string& cuttle_binary();

class CuttleProcess {
 public:
  // `config` goes first in the file; after it come http_port, pid_filename,
  // access_log, `workers 1` (or $CUTTLE_TEST_WORKERS), `cache_mem 0 MB` unless `config` sets it, and
  // the rules "http_access allow localhost" then
  // "http_access deny all" (so a test's own http_access lines decide first).
  // `port_options` is appended to the http_port line (e.g. "accel defaultsite=x").
  // `launcher`: words cuttle's command line is run after (e.g. nsenter into a namespace).
  explicit CuttleProcess(const std::string& config = "", const std::string& port_options = "",
                         std::vector<std::string> launcher = {});
  // A whole configuration, access rules and http_port included; the fixture adds
  // only pid_filename, access_log and workers.
  explicit CuttleProcess(const WholeConfig& config);
  ~CuttleProcess();

  unsigned short port() const { return port_; }
  pid_t pid() const { return process_->pid(); }
  const TempDir& dir() const { return dir_; }
  std::string config_file() const { return dir_.file("cuttle.conf"); }
  std::string access_log_path() const { return dir_.file("access.log"); }
  std::string output() const { return process_->output(); }

  // Waits until the access log has at least `count` lines, then returns them all.
  std::vector<std::string> access_log_lines(size_t count,
                                            std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;
  // Waits for the first access.log line containing `text`; "" if none appears.
  std::string access_log_line_with(const std::string& text,
                                   std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;
  // Runs build/cuttle with `args` against this instance's config file.
  CommandResult control(const std::vector<std::string>& args) const;
  int stop(int signal, std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  void start(const std::string& config_text);
  std::string file_lines() const;  // pid file, access.log, workers

  TempDir dir_;
  unsigned short port_;
  std::vector<std::string> launcher_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace cuttle::testing
