// A real squid (Debian's squid 5.7) for interoperability tests and benchmarks:
// its own config, logs and pid file in a private directory owned by the `proxy`
// user it drops to, listening on a free loopback port, run with -N.
#pragma once

#include "tests/support/child_process.h"
#include "tests/support/config_rewrite.h"
#include "tests/support/temp_dir.h"

#include <memory>
#include <string>
#include <vector>

namespace cuttle::testing {

class SquidProcess {
 public:
  // `config` comes first; the fixture adds http_port, the file locations,
  // icp_port 0 (unless `config` sets icp_port), strip_query_terms off (unless it sets that), `shutdown_lifetime 0 seconds` and localhost-only access rules.
  // `launcher`: words squid's command line is run after (e.g. nsenter into a namespace).
  explicit SquidProcess(const std::string& config = "", std::vector<std::string> launcher = {});
  // A whole configuration, access rules and http_port included; the fixture adds
  // only its file locations.
  explicit SquidProcess(const WholeConfig& config);
  ~SquidProcess();

  // squid-openssl (https_port, ssl_bump) with the first constructor's additions.
  struct WithOpenssl {};
  SquidProcess(WithOpenssl, const std::string& config);

  static bool available();  // is /usr/sbin/squid installed?
  static bool openssl_available();  // and squid-openssl beside it (scripts/install-deps.sh)?

  unsigned short port() const { return port_; }
  pid_t pid() const;  // squid itself (-N: no separate master)
  std::vector<std::string> access_log_lines(size_t count,
                                            std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;
  // Waits for the first access.log line containing `text`; "" if none appears.
  std::string access_log_line_with(const std::string& text,
                                   std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;
  std::string cache_log() const;
  std::string access_log_path() const { return dir_.file("access.log"); }
  // Runs `squid ARGS -f` this instance's configuration (e.g. {"-k", "rotate"}).
  CommandResult control(const std::vector<std::string>& args) const;

 private:
  SquidProcess(const char* binary, const std::string& config, std::vector<std::string> launcher);
  void start(const std::string& config_text);
  // pid file, logs, coredump directory, quick shutdown.
  std::string file_lines(bool with_coredump_dir) const;
  // ARGV with `-n NAME` unique to this instance: squid names its shared memory
  // segments after the service, so squids running side by side under ctest -j must
  // not share the default "squid" (one's exit removed another's TLS session cache).
  std::vector<std::string> with_service(std::vector<std::string> argv) const;

  std::string binary_;
  TempDir dir_;
  unsigned short port_;
  std::vector<std::string> launcher_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace cuttle::testing
