#include "tests/support/squid_process.h"

#include <pwd.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include "tests/support/log_file.h"

#include <sstream>
#include <stdexcept>
#include <thread>

namespace cuttle::testing {

namespace {
constexpr const char* kSquid = "/usr/sbin/squid";
// Debian's squid-openssl, unpacked beside the tests' squid by scripts/install-deps.sh
// (the two packages conflict): the build with SSL-Bump and https_port on OpenSSL.
constexpr const char* kSquidOpenssl = "/opt/squid-openssl/usr/sbin/squid";

void give_to_proxy_user(const std::string& path) {
  if (passwd* pw = ::getpwnam("proxy")) {
    [[maybe_unused]] int rc = ::chown(path.c_str(), pw->pw_uid, pw->pw_gid);
  }
}
}  // namespace

bool SquidProcess::available() { return ::access(kSquid, X_OK) == 0; }
bool SquidProcess::openssl_available() { return ::access(kSquidOpenssl, X_OK) == 0; }

SquidProcess::SquidProcess(const std::string& config, std::vector<std::string> launcher)
    : SquidProcess(kSquid, config, std::move(launcher)) {}

SquidProcess::SquidProcess(WithOpenssl, const std::string& config) : SquidProcess(kSquidOpenssl, config, {}) {}

SquidProcess::SquidProcess(const char* binary, const std::string& config, std::vector<std::string> launcher)
    : binary_(binary), dir_("cuttle-squid"), port_(free_port()), launcher_(std::move(launcher)) {
  std::ostringstream conf;
  conf << config << "\n"
       << "http_port 127.0.0.1:" << port_ << "\n"
       << file_lines(config.find("coredump_dir") == std::string::npos)
       << (config.find("icp_port") == std::string::npos ? "icp_port 0\n" : "") << "htcp_port 0\n"
       << (config.find("strip_query_terms") == std::string::npos ? "strip_query_terms off\n" : "")
       << "http_access allow localhost\n"
       << "http_access deny all\n";
  start(conf.str());
}

SquidProcess::SquidProcess(const WholeConfig& config) : binary_(kSquid), dir_("cuttle-squid"), port_(config.port) {
  start(config.text + "\n" + file_lines(config.text.find("coredump_dir") == std::string::npos));
}

// A test's own coredump_dir (tests of that directive) is kept.
std::string SquidProcess::file_lines(bool with_coredump_dir) const {
  return "pid_filename " + dir_.file("squid.pid") + "\n" + "cache_log " + dir_.file("cache.log") + "\n" +
         "access_log stdio:" + dir_.file("access.log") + "\n" +
         (with_coredump_dir ? "coredump_dir " + dir_.path() + "\n" : "") + "netdb_filename none\n" +
         "shutdown_lifetime 0 seconds\n";
}

void SquidProcess::start(const std::string& config_text) {
  give_to_proxy_user(dir_.path());
  std::filesystem::permissions(dir_.path(), std::filesystem::perms::all);
  dir_.write("squid.conf", config_text);
  // Squid does not create its cache directories when it starts: `squid -z` does,
  // as an admin runs it once.
  if (config_text.find("\ncache_dir ") != std::string::npos || config_text.starts_with("cache_dir ")) {
    const auto made = run_command(with_service({binary_, "-z", "-N", "-f", dir_.file("squid.conf")}), std::chrono::seconds(20));
    if (made.exit_code != 0) throw std::runtime_error("squid -z failed:\n" + made.output + cache_log());
  }
  auto argv = launcher_;
  argv.insert(argv.end(), {binary_, "-N", "-f", dir_.file("squid.conf")});
  argv = with_service(argv);
  process_ = std::make_unique<ChildProcess>(argv, dir_.file("squid.out"));
  if (!wait_for_port(port_, std::chrono::seconds(20), *process_))
    throw std::runtime_error("squid did not start listening; cache.log:\n" + cache_log() + "\noutput:\n" +
                             process_->output());
}

std::vector<std::string> SquidProcess::with_service(std::vector<std::string> argv) const {
  std::string name;  // alphanumeric, at most 32 characters, as squid -n requires
  for (char c : std::filesystem::path(dir_.path()).filename().string())
    if (std::isalnum(static_cast<unsigned char>(c))) name += c;
  argv.insert(argv.end(), {"-n", name.substr(0, 32)});
  return argv;
}

SquidProcess::~SquidProcess() = default;

std::vector<std::string> SquidProcess::access_log_lines(size_t count, std::chrono::milliseconds timeout) const {
  return wait_for_lines(dir_.file("access.log"), count, timeout);
}

CommandResult SquidProcess::control(const std::vector<std::string>& args) const {
  std::vector<std::string> argv{binary_};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {"-f", dir_.file("squid.conf")});
  return run_command(with_service(argv), std::chrono::seconds(20));
}

std::string SquidProcess::cache_log() const { return read_file(dir_.file("cache.log")); }

std::string SquidProcess::access_log_line_with(const std::string& text, std::chrono::milliseconds timeout) const {
  return wait_for_line_with(dir_.file("access.log"), text, timeout);
}

pid_t SquidProcess::pid() const { return process_->pid(); }

}  // namespace cuttle::testing
