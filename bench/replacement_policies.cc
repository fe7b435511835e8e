// Hit ratio and byte hit ratio of each cache_replacement_policy on the same
// synthetic traces (bench/replacement_traces.h), replayed through a real LMDB
// object store on tmpfs exactly as the proxy uses it (lookup; on a hit touch();
// on a miss write the object through ObjectWriter), next to Belady's offline
// policy with the same room. Prints the table of docs/performance.md.
//
//   cmake --build build --target replacement_policies && ./build/replacement_policies [MBYTES]
#include "bench/replacement_traces.h"
#include "store/object_store.h"
#include "store/object_writer.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

namespace {

using namespace cuttle;
using bench::Ratios;
using bench::Trace;

const std::string kHeader = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n";
// The bytes the store counts per object besides header and body: its key (~34),
// its record's fixed fields (113) and one chunk's key and checksum (44).
constexpr uint64_t kRecordOverhead = 190;

std::string key_of(uint64_t object) { return "http://origin.example/object/" + std::to_string(object); }

// Time moves one second per request: the store's one-minute recency granularity
// is then as small against the cache's turnover as it is in production.
constexpr int64_t kTraceStartMs = 1'780'000'000'000;

Ratios replay(const Trace& trace, store::ReplacementPolicy policy, uint64_t max_bytes) {
  const auto dir = std::filesystem::path("/dev/shm") / ("cuttle-replacement-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  Ratios ratios;
  {
    store::StoreOptions options{dir.string(), max_bytes, 256 * 1024, {}};
    options.policy = policy;
    store::ObjectStore store(options);
    const std::string body(4 << 20, 'b');
    uint64_t misses = 0;
    for (size_t i = 0; i < trace.requests.size(); ++i) {
      const auto& request = trace.requests[i];
      const int64_t now = kTraceStartMs + static_cast<int64_t>(i) * 1000;
      const auto key = key_of(request.object);
      auto record = store.lookup(key);
      ratios.count(record.has_value(), request.size);
      if (record) {
        store.touch(key, record->last_access, now);
        continue;
      }
      store::ObjectWriter writer(store, key);
      writer.append(std::string_view(body).substr(0, request.size));
      store::ObjectRecord fresh;
      fresh.status = 200;
      fresh.last_access = now;
      fresh.header_block = kHeader;
      writer.finish(fresh, {});
      // Commit as the proxy's load would: the writer never falls far behind.
      if (++misses % 256 == 0) store.flush();
    }
  }
  std::filesystem::remove_all(dir);
  return ratios;
}

void print_row(const std::string& policy, const Ratios& r, double seconds) {
  std::printf("| %-12s | %6.1f%% | %6.1f%% | %5.1f s |\n", policy.c_str(), 100 * r.hit_ratio(),
              100 * r.byte_hit_ratio(), seconds);
}

}  // namespace

int main(int argc, char** argv) {
  const uint64_t mbytes = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 64;
  const uint64_t max_bytes = mbytes << 20;
  const auto policies = {store::ReplacementPolicy::Lru, store::ReplacementPolicy::HeapGdsf,
                         store::ReplacementPolicy::HeapLfuda};
  for (const auto& trace : bench::standard_traces(20261207)) {
    std::printf("\n%s (%zu requests): %s; cache_dir %llu MB\n\n", trace.name.c_str(), trace.requests.size(),
                trace.description.c_str(), static_cast<unsigned long long>(mbytes));
    std::printf("| policy       | hits    | bytes   | time    |\n|---|---|---|---|\n");
    for (auto policy : policies) {
      const auto start = std::chrono::steady_clock::now();
      const auto ratios = replay(trace, policy, max_bytes);
      const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
      print_row(std::string(store::policy_name(policy)), ratios, took.count());
    }
    // Belady gets the room the store keeps after an eviction (cache_swap_low).
    print_row("Belady", bench::belady(trace, max_bytes * 90 / 100, kHeader.size() + kRecordOverhead), 0);
  }
}
