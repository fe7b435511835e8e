// State shared by every worker, owned here for the life of the process: the
// configuration in force (swapped whole on reconfigure), the access log, the
// cache, TLS client contexts, collapsed forwarding, client connection counts, metrics, peer health and
// connection counts, ICP's HIT-only mode and the shutdown flag. Each member is
// safe to use from any worker thread by itself; none refers to another.
#pragma once

#include "proxy/http/error_templates.h"
#include "proxy/http/product_token.h"

#include "carp/array.h"
#include "icp/hit_only_mode.h"
#include "proxy/config/config.h"
#include "proxy/dns/address_cache.h"
#include "proxy/peers/peer_connections.h"
#include "proxy/peers/peer_health.h"
#include "proxy/log/access_log.h"
#include "proxy/log/store_log.h"
#include "proxy/metrics/proxy_metrics.h"
#include "proxy/auth/digest_nonces.h"
#include "proxy/server/client_counts.h"
#include "proxy/server/client_delays.h"
#include "proxy/server/delay_pools.h"
#include "proxy/server/collapsed_forwarding.h"
#include "proxy/server/tls_contexts.h"
#include "store/object_cache.h"

#include <atomic>
#include <memory>
#include <optional>
#include <string>

namespace cuttle {

// A configuration plus the values derived from it once, not per request.
struct ActiveConfig {
  std::shared_ptr<const Config> config;
  std::string hostname;                          // visible_hostname, else the host's name
  const CachePeerConfig* origin_server = nullptr;  // first `originserver` peer (accelerator)
  // The first http_port that is not an accelerator's: it names this proxy in its
  // own URLs (Squid's getMyPort); none: the port a request came in on does.
  std::optional<uint16_t> forward_port;
  std::string pac_script;                          // /proxy.pac, generated once; empty: no array
  // Squid's templates for error pages; null: cuttle's built-in pages.
  std::shared_ptr<const ErrorTemplates> error_templates;
  // The cache_peers with `carp`, as one array; carp_peers[m] is member m's index
  // in config->cache_peers.
  std::optional<carp::Array> carp_array;
  std::vector<size_t> carp_peers;
  // The buckets of delay_pools and client_delay_pools, made anew with each
  // configuration (squid remakes its pools on reconfigure); always there.
  std::shared_ptr<DelayPools> delay_pools;
  std::shared_ptr<ClientDelays> client_delays;

  // What Server, Via and error pages call this proxy (httpd_suppress_version_string).
  std::string_view product() const { return product_token(config->suppress_version); }
};

// `starting`: a bad @Squid{…} sequence in an error page template throws (as
// squid's FATAL); when reconfiguring it is reported and the pages keep it.
std::shared_ptr<const ActiveConfig> make_active_config(std::shared_ptr<const Config> config, bool starting = false);

class IcpService;

class ProxyRuntime {
 public:
  explicit ProxyRuntime(std::shared_ptr<const Config> config) : active_(make_active_config(std::move(config), true)) {
    configure_addresses(*active()->config);
  }

  std::shared_ptr<const ActiveConfig> active() const { return active_.load(std::memory_order_acquire); }
  void replace_config(std::shared_ptr<const Config> config) {
    configure_addresses(*config);
    active_.store(make_active_config(std::move(config)), std::memory_order_release);
  }

  AccessLog& access_log() { return access_log_; }
  // The addresses of names (squid's ipcache), shared by every worker's resolver.
  dns::AddressCache& addresses() { return addresses_; }
  StoreLog& store_log() { return store_log_; }
  // The stores of the cache_dir lines as one cache; without any, the memory
  // cache (cache_mem); nullptr when neither is configured. Opened once at
  // start-up; reconfigure does not move them.
  store::ObjectCache* store() { return store_.get(); }
  // Write failures (a full disk) are logged to stderr; the proxy keeps relaying.
  void open_stores(const Config& config, size_t chunk_size = 256 * 1024);
  // The store is the memory cache: its hits are squid's TCP_MEM_HIT.
  bool store_in_memory() const { return !memory_store_dir_.empty(); }
  ~ProxyRuntime();
  // Another cache in its place (tests: a store::MemoryCache).
  void use_store(std::unique_ptr<store::ObjectCache> store) { store_ = std::move(store); }
  TlsContexts& tls() { return tls_; }
  CollapsedForwarding& collapsed() { return collapsed_; }
  ClientCounts& client_counts() { return client_counts_; }
  // The Digest nonces issued, shared by the workers (a client's next connection
  // may land on another).
  auth::DigestNonces& digest_nonces() { return digest_nonces_; }
  ProxyMetrics& metrics() { return metrics_; }
  std::chrono::system_clock::time_point start_time() const { return start_time_; }
  peers::PeerHealth& peer_health() { return peer_health_; }
  peers::PeerConnections& peer_connections() { return peer_connections_; }
  // Fed by forwarded requests' outcomes; read by the ICP server (MISS_NOFETCH).
  icp::HitOnlyMode& hit_only_mode() { return hit_only_mode_; }
  // The ICP service, for queries from any worker; nullptr without icp_port. Not
  // owned: the first Worker owns it, because its socket must close before that
  // worker's io_context goes, which is before this runtime goes. Set once by
  // run_proxy before any worker starts, so workers only ever read it.
  IcpService* icp() { return icp_; }
  void set_icp(IcpService* icp) { icp_ = icp; }
  bool shutting_down() const { return shutting_down_.load(std::memory_order_relaxed); }
  void begin_shutdown() { shutting_down_.store(true); }

 private:
  void open_memory_store(const Config& config, size_t chunk_size);
  // The hosts file is read again and the cache's bounds follow the configuration.
  void configure_addresses(const Config& config);

  std::atomic<std::shared_ptr<const ActiveConfig>> active_;
  dns::AddressCache addresses_;
  AccessLog access_log_;
  StoreLog store_log_;  // before store_: the stores' writer threads log into it
  TlsContexts tls_;
  std::unique_ptr<store::ObjectCache> store_;
  std::string memory_store_dir_;  // on tmpfs, removed with the runtime
  CollapsedForwarding collapsed_;
  ClientCounts client_counts_;
  auth::DigestNonces digest_nonces_;
  ProxyMetrics metrics_;
  const std::chrono::system_clock::time_point start_time_ = std::chrono::system_clock::now();
  peers::PeerHealth peer_health_;
  peers::PeerConnections peer_connections_;
  icp::HitOnlyMode hit_only_mode_;
  IcpService* icp_ = nullptr;
  std::atomic<bool> shutting_down_{false};
};

}  // namespace cuttle
