#include "tests/support/cuttle_process.h"

#include "tests/support/log_file.h"

#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace cuttle::testing {
namespace {

// CUTTLE_TEST_WORKERS=N runs every test's cuttle with N workers (the ThreadSanitizer
// run uses 2, so requests, the store and the counters cross worker threads).
std::string test_workers() {
  const char* n = std::getenv("CUTTLE_TEST_WORKERS");
  return n && *n ? n : "1";
}

}  // namespace

const std::string& cuttle_binary() {
  static const std::string binary = [] {
    const char* chosen = std::getenv("CUTTLE_TEST_BINARY");
    return std::string(chosen && *chosen ? chosen : CUTTLE_BINARY);
  }();
  return binary;
}

CuttleProcess::CuttleProcess(const std::string& config, const std::string& port_options,
                             std::vector<std::string> launcher)
    : dir_("cuttle-proc"), port_(free_port()), launcher_(std::move(launcher)) {
  std::ostringstream conf;
  conf << config << "\n"
       << "http_port 127.0.0.1:" << port_ << " " << port_options << "\n"
       << file_lines()
       // Tests that do not ask for a cache get none: no cache_dir means squid's
       // memory cache otherwise (tests/integration/memory_cache_test.cc).
       << (config.find("cache_mem") == std::string::npos ? "cache_mem 0 MB\n" : "")
       << "visible_hostname cuttle-test\n"
       << "http_access allow localhost\n"
       << "http_access deny all\n";
  start(conf.str());
}

CuttleProcess::CuttleProcess(const WholeConfig& config) : dir_("cuttle-proc"), port_(config.port) {
  start(config.text + "\n" + file_lines());
}

std::string CuttleProcess::file_lines() const {
  return "pid_filename " + dir_.file("cuttle.pid") + "\n" + "access_log " + dir_.file("access.log") + "\n" +
         "workers " + test_workers() + "\n";
}

void CuttleProcess::start(const std::string& config_text) {
  dir_.write("cuttle.conf", config_text);
  auto argv = launcher_;
  argv.insert(argv.end(), {cuttle_binary(), "-N", "-f", config_file()});
  process_ = std::make_unique<ChildProcess>(argv, dir_.file("cuttle.out"));
  if (!wait_for_port(port_, std::chrono::seconds(10), *process_))
    throw std::runtime_error("cuttle did not start listening; its output:\n" + output());
}

CuttleProcess::~CuttleProcess() = default;

std::vector<std::string> CuttleProcess::access_log_lines(size_t count, std::chrono::milliseconds timeout) const {
  return wait_for_lines(access_log_path(), count, timeout);
}

CommandResult CuttleProcess::control(const std::vector<std::string>& args) const {
  std::vector<std::string> argv{cuttle_binary(), "-f", config_file()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv);
}

int CuttleProcess::stop(int signal, std::chrono::milliseconds timeout) { return process_->stop(signal, timeout); }

std::string CuttleProcess::access_log_line_with(const std::string& text, std::chrono::milliseconds timeout) const {
  return wait_for_line_with(access_log_path(), text, timeout);
}

}  // namespace cuttle::testing
