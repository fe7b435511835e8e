// cuttle: a Squid-compatible caching proxy. Entry point: options, -k actions,
// daemonizing, then the proxy itself.
#include "proxy/app/installed_config.h"
#include "proxy/app/options.h"
#include "proxy/app/pid_file.h"
#include "proxy/app/proxy_server.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <filesystem>
#include <iostream>

using namespace cuttle;

namespace {

int control_running_instance(ControlAction action, const Config& config) {
  if (config.pid_filename.empty()) {
    std::cerr << "cuttle: pid_filename is 'none': cannot find the running instance\n";
    return 1;
  }
  auto pid = running_pid(config.pid_filename);
  if (!pid) {
    std::cerr << "cuttle: no running cuttle found (pid file " << config.pid_filename << ")\n";
    return 1;
  }
  int signal = 0;
  switch (action) {
    case ControlAction::Reconfigure: signal = SIGHUP; break;
    case ControlAction::Rotate: signal = SIGUSR1; break;
    case ControlAction::Shutdown: signal = SIGTERM; break;
    case ControlAction::Interrupt: signal = SIGINT; break;
    case ControlAction::Kill: signal = SIGKILL; break;
    default: signal = 0; break;  // check: probe only
  }
  if (::kill(*pid, signal) != 0) {
    std::cerr << "cuttle: cannot signal pid " << *pid << ": " << std::strerror(errno) << "\n";
    return 1;
  }
  return 0;
}

// Squid's setMaxFD(): a proxy needs a descriptor per connection, and service
// managers often start daemons with a soft limit (1024) far below the hard one.
void raise_descriptor_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  // An unlimited hard limit still stops at fs.nr_open (2^20 by default).
  limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? rlim_t{1} << 20 : limit.rlim_max;
  if (::setrlimit(RLIMIT_NOFILE, &limit) != 0)
    std::cerr << "cuttle: WARNING: cannot raise the descriptor limit: " << std::strerror(errno) << "\n";
}

// Forks; the parent exits with the child's start-up verdict, read from a pipe, so
// `cuttle` without -N still fails visibly when a port cannot be bound.
int daemonize_and_run(const Options& options, LoadedConfig loaded) {
  int fds[2];
  if (::pipe(fds) != 0) return 1;
  pid_t child = ::fork();
  if (child < 0) return 1;
  if (child > 0) {
    ::close(fds[1]);
    char verdict = 0;
    auto n = ::read(fds[0], &verdict, 1);
    if (n == 1 && verdict == 'R') return 0;
    int status = 0;
    ::waitpid(child, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) ? WEXITSTATUS(status) : 1;
  }
  ::close(fds[0]);
  ::setsid();
  const auto& config = *loaded.config;
  int null = ::open("/dev/null", O_RDWR);
  ::dup2(null, STDIN_FILENO);
  ::dup2(null, STDOUT_FILENO);
  if (!config.cache_log.empty()) {
    int log = ::open(config.cache_log.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (log >= 0) ::dup2(log, STDERR_FILENO);
  }
  return run_proxy(options.config_file, std::move(loaded), [fd = fds[1]] {
    char ready = 'R';
    [[maybe_unused]] auto n = ::write(fd, &ready, 1);
    ::close(fd);
  });
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = parse_options(std::vector<std::string>(argv + 1, argv + argc));
  if (!parsed.error.empty()) {
    std::cerr << "cuttle: " << parsed.error << "\n" << usage_text();
    return 1;
  }
  auto& options = parsed.options;
  if (!options.config_file) options.config_file = default_config_file(own_executable_path());
  // -k reconfigure reads the file again, perhaps after coredump_dir moved us.
  if (options.config_file) options.config_file = std::filesystem::absolute(*options.config_file).string();
  if (options.show_help) {
    std::cout << usage_text();
    return 0;
  }
  if (options.show_version) {
    std::cout << "cuttle version " CUTTLE_VERSION_STRING "\n";
    return 0;
  }

  LoadedConfig loaded;
  try {
    loaded = load_configuration(options.config_file);
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }

  if (options.action == ControlAction::Parse) {
    for (const auto& w : loaded.warnings) std::cerr << w << "\n";
    return 0;
  }
  if (options.action != ControlAction::None) return control_running_instance(options.action, *loaded.config);

  std::signal(SIGPIPE, SIG_IGN);
  raise_descriptor_limit();
  if (options.foreground) return run_proxy(options.config_file, std::move(loaded), [] {});
  return daemonize_and_run(options, std::move(loaded));
}
