// Load with verification: N keep-alive clients drive build/cuttle (LMDB cache_dir in
// a temporary directory) in front of a loopback origin for T seconds with a mix of
// hits, misses, revalidations answered 304 or with a new version, Range requests and
// clients that hang up mid-reply; every reply byte is checked against what the
// origin sends. Meanwhile cuttle's RSS is sampled each second. Exits 0 only when
// no reply was wrong, cut short or unexpected, cuttle is still running, every kind
// of request was exercised, and cuttle's heap did not keep growing.
//
//   build/verified_load [--connections 200] [--seconds 60] [--cache-mb 64]
#include "tests/load/load_client.h"
#include "tests/load/load_origin.h"
#include "tests/load/rss_sampler.h"
#include "tests/support/cuttle_process.h"
#include "tests/support/temp_dir.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string_view>

namespace cuttle::load {
namespace {

using namespace std::chrono_literals;

// After the run ends, clients finish the request in flight; one still busy this
// long after the end is hung (each of its reads is bounded by read_timeout, 30 s).
constexpr auto kDrainLimit = 60s;

// The heap may not grow by more than this over the last third of the run: after
// the first third (store filling, connection and relay buffers allocated, malloc
// arenas at their working size) a steady load has a flat heap. The allowance
// covers what 200 connections legitimately hold at one moment and not the next (a
// relay buffer each, reply spill buffers, the store writer's queue of up to 16 MiB)
// plus allocator noise; a leak of 1 KiB per request is past it within ~30000
// requests, i.e. in the last third of any run this program's defaults make.
constexpr uint64_t kMaxLastThirdGrowthKib = 32 * 1024;

struct Options {
  int connections = 200;
  int seconds = 60;
  int cache_mb = 64;
};

std::optional<int> positive(std::string_view text) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value <= 0) return std::nullopt;
  return value;
}

std::optional<Options> parse_options(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string_view name = argv[i];
    int* target = name == "--connections" ? &options.connections
                  : name == "--seconds"   ? &options.seconds
                  : name == "--cache-mb"  ? &options.cache_mb
                                          : nullptr;
    std::optional<int> value = i + 1 < argc ? positive(argv[i + 1]) : std::nullopt;
    if (!target || !value) {
      std::cerr << "verified_load: bad argument '" << name << "'\n"
                << "usage: verified_load [--connections N] [--seconds T] [--cache-mb M] (positive integers)\n";
      return std::nullopt;
    }
    *target = *value;
    ++i;
  }
  if (options.connections > 1000) {
    std::cerr << "verified_load: at most 1000 connections (file descriptors)\n";
    return std::nullopt;
  }
  return options;
}

constexpr const char* kKeptAccessLog = "/tmp/verified_load-access.log";

double mib(uint64_t kib) { return kib / 1024.0; }

struct RssTrend {
  RssSample first_third, second_third, end;
  int64_t last_third_growth_kib() const {
    return static_cast<int64_t>(end.rss_anon_kib) - static_cast<int64_t>(second_third.rss_anon_kib);
  }
};

std::optional<RssTrend> trend_of(const std::vector<RssSample>& samples) {
  if (samples.size() < 3) return std::nullopt;
  const size_t n = samples.size();
  return RssTrend{samples[n / 3 - 1], samples[2 * n / 3 - 1], samples[n - 1]};
}

void print_rss(const char* label, const RssSample& s) {
  std::printf("  %-24s VmRSS %8.1f MiB   RssAnon %8.1f MiB\n", label, mib(s.vm_rss_kib), mib(s.rss_anon_kib));
}

int run(const Options& options) {
  LoadOrigin origin;
  testing::TempDir cache_dir("cuttle-load-store");
  testing::CuttleProcess cuttle("cache_dir lmdb " + cache_dir.file("store") + " " +
                                std::to_string(options.cache_mb) + "\n");
  const auto before = read_rss(cuttle.pid());

  BodyPattern pattern;
  LoadTally tally;
  LoadSettings settings;
  settings.proxy_port = cuttle.port();
  settings.origin_port = origin.port();
  boost::asio::io_context ioc{1};
  RssSampler sampler(cuttle.pid());
  const auto started = std::chrono::steady_clock::now();
  settings.end = started + std::chrono::seconds(options.seconds);
  for (int i = 0; i < options.connections; ++i)
    boost::asio::co_spawn(ioc, run_client(settings, pattern, tally, 1000 + i), boost::asio::detached);
  ioc.run_for(std::chrono::seconds(options.seconds) + kDrainLimit);
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  sampler.stop();
  const auto samples = sampler.samples();
  if (tally.clients_running > 0)
    tally.error(std::to_string(tally.clients_running) + " clients still waiting " +
                std::to_string(kDrainLimit.count()) + " s after the end: hung replies");
  const auto after = read_rss(cuttle.pid());
  if (!after) tally.error("cuttle is no longer running");

  uint64_t sent = 0, completed = 0;
  std::printf("verified load: %d connections, %d s (%.1f s with the drain), cache_dir %d MB\n", options.connections,
              options.seconds, elapsed, options.cache_mb);
  std::printf("  %-20s %9s %9s %9s  statuses\n", "kind", "sent", "verified", "X-Cache HIT");
  for (size_t k = 0; k < tally.kinds.size(); ++k) {
    const auto& t = tally.kinds[k];
    sent += t.sent;
    completed += t.completed;
    std::string statuses;
    for (auto [status, count] : t.statuses) statuses += " " + std::to_string(status) + ":" + std::to_string(count);
    std::printf("  %-20s %9llu %9llu %9llu %s\n", std::string(kind_name(static_cast<RequestKind>(k))).c_str(),
                (unsigned long long)t.sent, (unsigned long long)t.completed, (unsigned long long)t.served_from_cache,
                statuses.c_str());
  }
  std::printf("  total: %llu requests (%.0f/s), %llu verified whole, %.1f MiB of body verified, %llu reconnects\n",
              (unsigned long long)sent, sent / elapsed, (unsigned long long)completed,
              tally.bytes_verified / 1048576.0, (unsigned long long)tally.reconnects);
  const auto& o = origin.counters();
  std::printf("  origin: %llu requests: %llu 200, %llu 206, %llu 304, %llu chunked, %llu 404\n",
              (unsigned long long)o.requests.load(), (unsigned long long)o.full.load(),
              (unsigned long long)o.partial.load(), (unsigned long long)o.not_modified.load(),
              (unsigned long long)o.chunked.load(), (unsigned long long)o.not_found.load());
  std::printf("  /changing/ objects reached version %llu\n", (unsigned long long)tally.newest_changing_version);

  std::printf("cuttle memory (pid %d, %zu samples):\n", cuttle.pid(), samples.size());
  if (before) print_rss("before the load", *before);
  const auto trend = trend_of(samples);
  if (trend) {
    print_rss("end of the 1st third", trend->first_third);
    print_rss("end of the 2nd third", trend->second_third);
    print_rss("end of the load", trend->end);
    std::printf("  RssAnon growth over the last third: %+.1f MiB (limit %.0f MiB)\n",
                trend->last_third_growth_kib() / 1024.0, mib(kMaxLastThirdGrowthKib));
    // ASan's quarantine of freed blocks (256 MiB) fills with throughput whatever
    // cuttle does; LeakSanitizer checks for leaks at exit instead.
    const char* sanitized = std::getenv("CUTTLE_TEST_SANITIZED");
    if (sanitized && *sanitized)
      std::printf("  (not checked: the binary runs under %s, whose allocator holds freed memory)\n", sanitized);
    else if (trend->last_third_growth_kib() > static_cast<int64_t>(kMaxLastThirdGrowthKib))
      tally.error("cuttle's heap grew by more than the limit over the last third of the run");
  } else {
    tally.error("too few RSS samples for a trend");
  }
  if (after) print_rss("after the load", *after);

  // A run that did not exercise every path proves nothing about it.
  for (size_t k = 0; k < tally.kinds.size(); ++k)
    if (tally.kinds[k].completed == 0)
      tally.error("no " + std::string(kind_name(static_cast<RequestKind>(k))) + " request was verified");
  if (tally.of(RequestKind::Hit).served_from_cache == 0) tally.error("no hit was served from the cache");
  if (o.not_modified == 0) tally.error("the origin never answered 304");
  if (o.chunked == 0) tally.error("the origin never sent a chunked reply");
  if (tally.newest_changing_version < 2) tally.error("no /changing/ object got a new version");

  std::printf("errors: %llu\n", (unsigned long long)tally.errors);
  for (const auto& e : tally.first_errors) std::printf("  %s\n", e.c_str());
  if (tally.errors > 0) {
    auto output = cuttle.output();
    if (output.size() > 4000) output = output.substr(output.size() - 4000);
    std::printf("cuttle's output (last 4000 bytes):\n%s\n", output.c_str());
    // The access log goes with the temporary directory: keep a copy to read the failures in.
    std::error_code ec;
    std::filesystem::copy_file(cuttle.access_log_path(), kKeptAccessLog,
                               std::filesystem::copy_options::overwrite_existing, ec);
    if (!ec) std::printf("cuttle's access.log kept as %s\n", kKeptAccessLog);
  }
  std::printf("%s\n", tally.errors == 0 ? "PASS" : "FAIL");
  return tally.errors == 0 ? 0 : 1;
}

}  // namespace
}  // namespace cuttle::load

int main(int argc, char** argv) {
  auto options = cuttle::load::parse_options(argc, argv);
  if (!options) return 2;
  try {
    return cuttle::load::run(*options);
  } catch (const std::exception& e) {
    std::cerr << "verified_load: " << e.what() << "\n";
    return 1;
  }
}
