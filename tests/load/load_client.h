// One client connection of the verified load: sends a mix of requests through the
// proxy until the run's end time, checks every reply's status, validators, framing
// and each body byte against BodyPattern, and tallies what it saw. All clients run
// on one io_context thread, so the tally needs no locks.
#pragma once

#include "tests/load/load_content.h"

#include <boost/asio/awaitable.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace cuttle::load {

enum class RequestKind { Hit, Miss, Same, Changing, Range, Abort, Count };
std::string_view kind_name(RequestKind kind);

struct KindTally {
  uint64_t sent = 0;
  uint64_t completed = 0;       // whole reply received and verified
  uint64_t served_from_cache = 0;  // X-Cache: HIT
  std::map<unsigned, uint64_t> statuses;
};

struct LoadTally {
  std::array<KindTally, static_cast<size_t>(RequestKind::Count)> kinds;
  uint64_t bytes_verified = 0;
  uint64_t reconnects = 0;
  uint64_t newest_changing_version = 0;  // proof that versions did change under the clients
  uint64_t errors = 0;
  std::vector<std::string> first_errors;  // the first few, for the report
  int clients_running = 0;
  uint64_t next_miss_id = 0;  // unique URLs across all clients

  KindTally& of(RequestKind kind) { return kinds[static_cast<size_t>(kind)]; }
  void error(std::string what);
};

struct LoadSettings {
  uint16_t proxy_port = 0;
  uint16_t origin_port = 0;
  std::chrono::steady_clock::time_point end;
  std::chrono::seconds read_timeout{30};  // any single read or write of a client
};

// Runs one client until `settings.end` (plus the request in flight, bounded by
// read_timeout); `seed` makes its request sequence reproducible.
boost::asio::awaitable<void> run_client(const LoadSettings& settings, const BodyPattern& pattern, LoadTally& tally,
                                        uint64_t seed);

}  // namespace cuttle::load
