#include "proxy/app/proxy_server.h"
#include "proxy/app/privileges.h"

#include "proxy/app/default_config.h"
#include "proxy/app/pid_file.h"
#include "proxy/app/working_directory.h"
#include "proxy/config/access_log_selection.h"
#include "proxy/log/log_rotation.h"
#include "proxy/server/worker.h"

#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <iostream>
#include <thread>

namespace cuttle {

LoadedConfig load_configuration(const std::optional<std::string>& file) {
  if (file) return load_config_file(*file);
  return load_config_text(kDefaultConfig, "(built-in default configuration)");
}

namespace {

void report_warnings(const LoadedConfig& loaded) {
  for (const auto& w : loaded.warnings) std::cerr << w << "\n";
  // Siblings are used only after an ICP HIT, and ICP queries leave from icp_port.
  for (const auto& peer : loaded.config->cache_peers)
    if (peer.type == "sibling" && (loaded.config->icp.port == 0 || peer.icp_port == 0 || peer.no_query))
      std::cerr << peer.where << ": warning: cache_peer " << peer.name
                << ": a sibling is only used after an ICP HIT, and it is never asked (needs icp_port, an ICP port "
                   "for the peer and no no-query)\n";
}

void prepare_directories(const Config& config) {
  for (const auto& dir : config.cache_dirs) {
    std::error_code ec;
    std::filesystem::create_directories(dir.store_path, ec);
    if (ec) throw std::runtime_error("cannot create cache_dir " + dir.store_path + ": " + ec.message());
  }
}

// max_filedescriptors, as Squid's setMaxFD: the soft limit becomes N (the hard
// one too when N is above it, which needs privileges); when that is refused,
// the hard limit is used and a warning says so.
void apply_descriptor_limit(int64_t wanted) {
  if (wanted <= 0) return;
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  limit.rlim_cur = static_cast<rlim_t>(wanted);
  if (limit.rlim_cur > limit.rlim_max) limit.rlim_max = limit.rlim_cur;
  if (::setrlimit(RLIMIT_NOFILE, &limit) == 0) return;
  const std::string why = std::strerror(errno);
  ::getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &limit);
  std::cerr << "cuttle: WARNING: max_filedescriptors " << wanted << " refused (" << why << "); using "
            << limit.rlim_cur << std::endl;
}

int worker_count(const Config& config) {
  if (config.workers > 0) return config.workers;
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace

namespace {

AccessLog::Options access_log_options(const Config& config) {
  return {.mime_headers = config.log_mime_hdrs, .buffered = config.buffered_logs};
}

// Each access_log line that logs somewhere, with what its module needs.
std::vector<AccessLogOutput> access_log_outputs(const Config& config) {
  std::vector<AccessLogOutput> outputs;
  for (const auto& log : config.access_logs) {
    if (log.path.empty()) continue;
    auto settings = log_module_settings(config);
    settings.buffer_size = log.buffer_size;
    settings.die_on_error = log.die_on_error;
    outputs.push_back({.destination = log.path, .format = log.format, .settings = std::move(settings)});
  }
  return outputs;
}

// Everything that can fail at start-up, in an order that leaves the HTTP ports
// last: once one listens, clients (and scripts waiting for the port) take cuttle
// as started, so every other fatal error must come first. Throws.
std::vector<std::unique_ptr<Worker>> open_everything(const Config& config, ProxyRuntime& runtime,
                                                     std::unique_ptr<PidFile>& pid_file) {
  apply_descriptor_limit(config.max_filedescriptors);
  enter_coredump_dir(config);  // before any relative path is opened, as squid
  // Squid's umask: added to the one cuttle started with, before any file is made.
  ::umask(::umask(0) | config.umask);
  // As root: the pid file (in /run, say) and the sockets (ports below 1024), then
  // root is given up for good.
  const auto become = effective_ids(config);
  if (become && !config.pid_filename.empty()) make_directories_for(config.pid_filename, *become);
  if (!config.pid_filename.empty()) pid_file = std::make_unique<PidFile>(config.pid_filename);
  for (const auto& port : config.http_ports) ensure_port_is_free(port);
  runtime.tls().prepare_server_contexts(config.http_ports);
  std::vector<std::unique_ptr<Worker>> workers;
  for (int i = 0, n = worker_count(config); i < n; ++i) workers.push_back(std::make_unique<Worker>(runtime, i));
  // One UDP socket answers every ICP query (and will carry our own).
  if (config.icp.port != 0) {
    workers.front()->open_icp(config.icp.port);
    runtime.set_icp(workers.front()->icp());
  }
  if (config.prometheus_port) workers.front()->open_metrics(*config.prometheus_port);
  for (auto& worker : workers) worker->bind(config.http_ports);
  if (become)
    drop_privileges(*become);
  else
    apply_effective_group(config);
  // As the effective user: the files it makes are its own, as squid's are.
  prepare_directories(config);
  runtime.store_log().open(config.cache_store_log, log_module_settings(config));  // before the stores log into it
  runtime.open_stores(config);
  runtime.access_log().open(access_log_outputs(config), access_log_options(config));
  for (auto& worker : workers) worker->start_listening();
  return workers;
}

void announce(const Config& config, ProxyRuntime& runtime, size_t workers) {
  if (auto* store = runtime.store()) {
    auto stats = store->stats();
    std::cerr << (runtime.store_in_memory() ? "cuttle: memory cache (cache_mem)" : "cuttle: cache_dir");
    for (const auto& dir : config.cache_dirs) std::cerr << " " << dir.store_path;
    std::cerr << ": " << stats.objects << " objects, " << (stats.bytes >> 20) << " of " << (stats.capacity >> 20)
              << " MB" << std::endl;
  }
  for (const auto& port : config.http_ports)
    std::cerr << "cuttle: accepting " << (port.accel ? "accelerated " : "") << "HTTP connections at "
              << (port.address.empty() ? "*" : port.address) << ":" << port.port << " with " << workers
              << " worker(s)" << std::endl;
  if (config.icp.port != 0) std::cerr << "cuttle: accepting ICP messages at *:" << config.icp.port << std::endl;
  if (const auto& p = config.prometheus_port)
    std::cerr << "cuttle: serving /metrics at " << (p->address.empty() ? "*" : p->address) << ":" << p->port
              << std::endl;
}

// -k reconfigure (SIGHUP): the file is read again; a broken one changes nothing.
void reconfigure(const std::optional<std::string>& config_file, ProxyRuntime& runtime) {
  try {
    auto reloaded = load_configuration(config_file);
    report_warnings(reloaded);
    enter_coredump_dir(*reloaded.config);
    runtime.store_log().open(reloaded.config->cache_store_log, log_module_settings(*reloaded.config));
    // As squid's reconfigure: every log is closed and opened anew (a logfile_daemon
    // is started again, a tcp receiver gets a new connection).
    runtime.access_log().open(access_log_outputs(*reloaded.config), access_log_options(*reloaded.config));
    runtime.replace_config(reloaded.config);
    runtime.metrics().config_reload(true);
    std::cerr << "cuttle: reconfigured (listening ports and workers are kept until restart)" << std::endl;
  } catch (const std::exception& e) {
    runtime.metrics().config_reload(false);
    std::cerr << "cuttle: reconfigure failed, keeping the running configuration: " << e.what() << std::endl;
  }
}

// A daemonized cuttle's stderr is cache_log: renamed as Squid's _db_rotate_log
// does (debug_options rotate=N, else logfile_rotate) and opened again in its place.
void rotate_cache_log(const Config& config) {
  if (config.cache_log.empty()) return;
  struct stat on_stderr {}, named {};
  if (::fstat(STDERR_FILENO, &on_stderr) != 0 || ::stat(config.cache_log.c_str(), &named) != 0 ||
      on_stderr.st_dev != named.st_dev || on_stderr.st_ino != named.st_ino)
    return;  // stderr is not that file (-N): nothing of cuttle's to rotate
  rename_numbered(config.cache_log, config.cache_log_rotate.value_or(config.logfile_rotate));
  const int log = ::open(config.cache_log.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (log < 0) return;  // keep writing to the renamed file rather than nowhere
  ::dup2(log, STDERR_FILENO);
  ::close(log);
}

// -k rotate (SIGUSR1): the logs are renamed (logfile_rotate, rotate=) and reopened.
void reopen_logs(ProxyRuntime& runtime) {
  rotate_cache_log(*runtime.active()->config);
  try {
    runtime.access_log().rotate(access_log_rotations(*runtime.active()->config));
    runtime.store_log().rotate(runtime.active()->config->logfile_rotate);
  } catch (const std::exception& e) {
    std::cerr << "cuttle: log rotation failed: " << e.what() << std::endl;
  }
}

// Answers -k reconfigure and -k rotate until a stop signal comes; returns it.
int serve_signals_until_stop(asio::io_context& control, asio::signal_set& signals,
                             const std::optional<std::string>& config_file, ProxyRuntime& runtime) {
  int stop_signal = 0;
  std::function<void()> wait_for_signal = [&] {
    signals.async_wait([&](const error_code& ec, int signal) {
      if (ec) return;
      if (signal == SIGHUP) reconfigure(config_file, runtime);
      else if (signal == SIGUSR1) reopen_logs(runtime);
      else {
        stop_signal = signal;
        return;
      }
      wait_for_signal();
    });
  };
  wait_for_signal();
  while (stop_signal == 0) control.run_one();
  return stop_signal;
}

// Graceful shutdown: stop accepting, let transactions in flight finish within
// shutdown_lifetime (SIGINT: at once, as Squid's -k interrupt).
void shut_down(ProxyRuntime& runtime, std::vector<std::unique_ptr<Worker>>& workers, int stop_signal) {
  std::cerr << "cuttle: shutting down" << std::endl;
  runtime.begin_shutdown();
  for (auto& w : workers) w->begin_shutdown();
  auto grace = stop_signal == SIGINT ? std::chrono::milliseconds(0) : runtime.active()->config->shutdown_lifetime;
  auto deadline = std::chrono::steady_clock::now() + grace;
  auto busy = [&] {
    for (auto& w : workers)
      if (w->live_sessions() > 0) return true;
    return false;
  };
  while (busy() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  for (auto& w : workers) w->stop_and_join();
  if (auto* icp = workers.front()->icp()) {
    const auto& c = icp->counters();
    std::cerr << "cuttle: ICP: " << c.queries << " queries, " << c.hits << " hits, " << c.misses << " misses, "
              << c.denied << " denied, " << c.errors << " errors, " << c.dropped << " dropped" << std::endl;
  }
}

}  // namespace

int run_proxy(const std::optional<std::string>& config_file, LoadedConfig loaded, const std::function<void()>& ready) {
  report_warnings(loaded);
  const Config& config = *loaded.config;
  // Take over the signals before anything listens: a -k command sent as soon as
  // the port answers must find a handler, not the default action.
  asio::io_context control;
  asio::signal_set signals(control, SIGHUP, SIGUSR1, SIGTERM);
  signals.add(SIGINT);
  std::unique_ptr<PidFile> pid_file;
  std::optional<ProxyRuntime> started;  // its error page templates may be refused
  std::vector<std::unique_ptr<Worker>> workers;
  try {
    started.emplace(loaded.config);
  } catch (const std::exception& e) {
    std::cerr << "cuttle: FATAL: " << e.what() << std::endl;
    return 1;
  }
  ProxyRuntime& runtime = *started;
  try {
    workers = open_everything(config, runtime, pid_file);
  } catch (const std::exception& e) {
    std::cerr << "cuttle: FATAL: " << e.what() << std::endl;
    return 1;
  }
  announce(config, runtime, workers.size());
  for (auto& w : workers) w->start();
  ready();
  const int stop_signal = serve_signals_until_stop(control, signals, config_file, runtime);
  shut_down(runtime, workers, stop_signal);
  return 0;
}

}  // namespace cuttle
