#include "proxy/server/runtime.h"

#include "proxy/http/error_codes.h"
#include "proxy/http/error_page.h"
#include "proxy/server/pac_file.h"
#include "proxy/server/store_log_events.h"
#include "store/cache_dirs.h"
#include "store/object_store.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>

#include <algorithm>
#include <iostream>
#include <stdexcept>

namespace cuttle {

namespace {

// A directory's object sizes as Squid's Store::Disk decides them: its own
// min-size/max-size, else minimum_object_size and the smaller of
// maximum_object_size and the directory's size.
store::CacheDirLimits limits_of(const CacheDirConfig& dir, const Config& config) {
  store::CacheDirLimits limits;
  limits.min_size = dir.min_object_size.value_or(config.minimum_object_size);
  limits.max_size = dir.max_object_size.value_or(std::min(config.maximum_object_size, dir.max_bytes));
  limits.no_store = dir.no_store;
  return limits;
}

store::ReplacementPolicy store_policy(ReplacementPolicyConfig policy) {
  switch (policy) {
    case ReplacementPolicyConfig::Lru: return store::ReplacementPolicy::Lru;
    case ReplacementPolicyConfig::HeapLru: return store::ReplacementPolicy::HeapLru;
    case ReplacementPolicyConfig::HeapGdsf: return store::ReplacementPolicy::HeapGdsf;
    case ReplacementPolicyConfig::HeapLfuda: return store::ReplacementPolicy::HeapLfuda;
  }
  return store::ReplacementPolicy::Lru;
}

store::StoreOptions store_options(const Config& config, const std::string& path, uint64_t max_bytes,
                                  size_t chunk_size, ReplacementPolicyConfig policy) {
  store::StoreOptions options{path, max_bytes, chunk_size,
                              [](const std::string& trouble) { std::cerr << "cuttle: WARNING: " << trouble << std::endl; }};
  // Squid's marks; a low mark above the high one evicts down to the high one.
  options.high_water = config.cache_swap_high / 100.0;
  options.low_water = std::min(config.cache_swap_low, config.cache_swap_high) / 100.0;
  options.policy = store_policy(policy);
  return options;
}

// /dev/shm/cuttle-memory-PID (tmpfs: the memory cache's pages are RAM), after
// removing those a killed cuttle left behind.
std::string make_memory_store_dir() {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path base = fs::is_directory("/dev/shm", ec) ? fs::path("/dev/shm") : fs::temp_directory_path();
  for (const auto& entry : fs::directory_iterator(base, ec)) {
    const auto name = entry.path().filename().string();
    if (!name.starts_with("cuttle-memory-")) continue;
    const auto pid = std::atoi(name.c_str() + 14);
    if (pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH) fs::remove_all(entry.path(), ec);
  }
  const auto dir = base / ("cuttle-memory-" + std::to_string(::getpid()));
  fs::remove_all(dir, ec);
  fs::create_directories(dir);
  return dir.string();
}

}  // namespace

void ProxyRuntime::configure_addresses(const Config& config) {
  addresses_.set_limits(config.dns.ipcache_size, config.dns.ipcache_low, config.dns.ipcache_high);
  addresses_.set_hosts(dns::read_hosts_file(config.dns.hosts_file, config.dns.append_domain));
}

void ProxyRuntime::open_stores(const Config& config, size_t chunk_size) {
  if (config.cache_dirs.empty()) return open_memory_store(config, chunk_size);
  auto dirs = std::make_unique<store::CacheDirs>();
  for (const auto& dir : config.cache_dirs) {
    auto options = store_options(config, dir.store_path, dir.max_bytes, chunk_size, dir.replacement);
    attach_store_log(options, store_log_, static_cast<int>(dirs->size()));
    dirs->add(std::make_unique<store::ObjectStore>(std::move(options)), limits_of(dir, config));
  }
  store_ = std::move(dirs);
}

// squid 5.7 caches in memory when no cache_dir is configured (cache_mem,
// maximum_object_size_in_memory). Here that is an LMDB store on tmpfs: the
// same code as the disk stores, held in RAM, gone with the process.
void ProxyRuntime::open_memory_store(const Config& config, size_t chunk_size) {
  if (config.cache_mem_bytes == 0) return;
  memory_store_dir_ = make_memory_store_dir();
  store::CacheDirLimits limits;
  limits.min_size = config.minimum_object_size;
  limits.max_size = std::min(config.maximum_object_size_in_memory, config.cache_mem_bytes);
  auto dirs = std::make_unique<store::CacheDirs>();
  auto options = store_options(config, memory_store_dir_, config.cache_mem_bytes, chunk_size, config.memory_replacement);
  attach_store_log(options, store_log_, -1);
  dirs->add(std::make_unique<store::ObjectStore>(std::move(options)), limits);
  store_ = std::move(dirs);
}

ProxyRuntime::~ProxyRuntime() {
  store_.reset();
  if (!memory_store_dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(memory_store_dir_, ignored);
  }
}

namespace {

// Squid checks the @Squid{…} sequences of its templates and deny_info URLs as
// it loads them (errorInitialize): a bad one is fatal when it starts, an ERROR
// in cache.log when it reconfigures (the page then shows the template as it is
// from the sequence on).
void check_page_sequences(const ActiveConfig& active, const Config& config, bool starting) {
  auto check = [&](const std::string& where, std::string_view text) {
    const auto bad = bad_page_sequence(text);
    if (!bad) return;
    if (starting) throw std::runtime_error(where + ": " + *bad);
    std::cerr << "cuttle: ERROR: " << where << ": " << *bad << std::endl;
  };
  if (active.error_templates)
    for (const auto name : error_code_names()) check(std::string(name), active.error_templates->default_template(name));
  for (const auto& info : config.deny_info) {
    if (info.kind == DenyInfo::Kind::Page) check(info.target, info.template_text);
    if (info.kind == DenyInfo::Kind::Redirect) check(info.where + ": deny_info " + info.token, info.target);
  }
}

}  // namespace

std::shared_ptr<const ActiveConfig> make_active_config(std::shared_ptr<const Config> config, bool starting) {
  auto active = std::make_shared<ActiveConfig>();
  active->hostname = config->visible_hostname;
  if (active->hostname.empty()) {
    char name[256] = {};
    active->hostname = gethostname(name, sizeof name - 1) == 0 && name[0] ? name : "localhost";
  }
  for (const auto& port : config->http_ports)
    if (!port.accel) {
      active->forward_port = port.port;
      break;
    }
  for (const auto& peer : config->cache_peers)
    if (peer.originserver) {
      active->origin_server = &peer;
      break;
    }
  std::vector<carp::Member> members;
  for (size_t i = 0; i < config->cache_peers.size(); ++i) {
    const auto& peer = config->cache_peers[i];
    if (!peer.carp) continue;
    members.push_back({peer.name, peer.host, peer.http_port, peer.weight, peer.carp_key});
    active->carp_peers.push_back(i);
  }
  if (!members.empty()) active->carp_array.emplace(std::move(members));
  active->pac_script = build_pac_script(*config, active->carp_array);
  active->delay_pools = std::make_shared<DelayPools>(config->delay, std::chrono::steady_clock::now());
  active->client_delays = std::make_shared<ClientDelays>(config->delay);
  if (config->error_pages.wants_templates()) {
    active->error_templates = ErrorTemplates::load(config->error_pages, [](const std::string& trouble) {
      std::cerr << "cuttle: " << trouble << std::endl;
    });
    // Read now, as Squid reads them at startup: a missing one is reported before any request.
    for (const auto name : error_code_names()) active->error_templates->default_template(name);
  }
  check_page_sequences(*active, *config, starting);
  active->config = std::move(config);
  return active;
}

}  // namespace cuttle
