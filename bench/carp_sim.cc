// carp_sim: what a CARP array buys over ICP siblings and independent caches.
//
// A Zipf-like stream of requests over a fixed URL universe is served by N caches
// (N = 2..8), each an LRU store holding the same number of objects:
//   carp         every request goes to the URL's CARP owner (carp::Array::select),
//                as with a PAC script or a CARP front proxy;
//   icp          a request arrives at a random member; on a local miss the member
//                asks its siblings and fetches from one that has the object,
//                keeping a copy (Squid's default, no proxy-only);
//   independent  a request arrives at a random member, which only has its own store.
// Reported per mode: array hit ratio (requests not sent to the origin; for icp
// split into local and sibling hits) and duplication (objects stored / distinct
// objects stored, 1.00 = every object held once). The first quarter of the stream
// warms the caches and is not counted.
//
// Then, for the URL universe, the share of URLs whose owner changes when a member
// is added to an N-member equal-weight array — placed last in the configuration
// (Squid hashes members in ascending-weight, then configuration order, with one
// running URL hash, so a newcomer that hashes last leaves the others' scores
// alone), or placed first — next to the ideal 1/(N+1) and to hash-mod-N.
//
//   cmake --build build --target carp_sim && ./build/carp_sim [--urls N]
//       [--requests N] [--store N] [--alpha A] [--seed S]
#include "carp/array.h"
#include "carp/hash.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <list>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

struct Settings {
  size_t urls = 200000;
  size_t requests = 2000000;
  size_t store = 10000;  // objects per member
  double alpha = 0.8;    // Zipf exponent; web traces measure ~0.6-0.9
  uint32_t seed = 1;
};

// A fixed-capacity LRU set of URL ids.
class LruStore {
 public:
  explicit LruStore(size_t capacity) : capacity_(capacity) {}
  bool contains(uint32_t id) const { return index_.count(id) != 0; }
  // Marks a hit as most recently used.
  void touch(uint32_t id) { order_.splice(order_.begin(), order_, index_.at(id)); }
  void insert(uint32_t id) {
    if (contains(id)) return touch(id);
    if (order_.size() == capacity_) {
      index_.erase(order_.back());
      order_.pop_back();
    }
    order_.push_front(id);
    index_[id] = order_.begin();
  }
  const std::list<uint32_t>& objects() const { return order_; }

 private:
  size_t capacity_;
  std::list<uint32_t> order_;
  std::unordered_map<uint32_t, std::list<uint32_t>::iterator> index_;
};

std::string url_of(uint32_t id) {
  return "http://site" + std::to_string(id % 5000) + ".example/objects/" + std::to_string(id) + ".html";
}

std::vector<cuttle::carp::Member> equal_members(size_t n, size_t first = 0) {
  std::vector<cuttle::carp::Member> out;
  for (size_t i = first; i < first + n; ++i)
    out.push_back({"cache" + std::to_string(i) + ".example.net", "10.0.0." + std::to_string(i + 1), 3128, 1, {}});
  return out;
}

std::vector<uint32_t> owners(const cuttle::carp::Array& array, size_t urls) {
  std::vector<uint32_t> out(urls);
  for (uint32_t id = 0; id < urls; ++id) out[id] = static_cast<uint32_t>(array.select(url_of(id))[0]);
  return out;
}

struct Result {
  double hit_ratio = 0;
  double sibling_hit_ratio = 0;  // icp only
  double duplication = 0;
};

double duplication(const std::vector<LruStore>& stores) {
  size_t total = 0;
  std::unordered_map<uint32_t, int> distinct;
  for (const auto& s : stores) {
    total += s.objects().size();
    for (uint32_t id : s.objects()) ++distinct[id];
  }
  return distinct.empty() ? 0 : static_cast<double>(total) / static_cast<double>(distinct.size());
}

enum class Mode { Carp, Icp, Independent };

Result simulate(Mode mode, size_t n, const std::vector<uint32_t>& stream, const std::vector<uint32_t>& owner,
                const Settings& settings) {
  std::vector<LruStore> stores(n, LruStore(settings.store));
  std::mt19937 arrival(settings.seed + 7);  // which member a client happens to use
  const size_t warm_up = stream.size() / 4;
  size_t hits = 0, sibling_hits = 0, counted = 0;
  for (size_t r = 0; r < stream.size(); ++r) {
    uint32_t id = stream[r];
    size_t member = mode == Mode::Carp ? owner[id] : arrival() % n;
    bool hit = false, sibling_hit = false;
    if (stores[member].contains(id)) {
      stores[member].touch(id);
      hit = true;
    } else if (mode == Mode::Icp) {
      for (size_t s = 0; s < n && !sibling_hit; ++s)
        if (s != member && stores[s].contains(id)) {
          stores[s].touch(id);
          sibling_hit = true;
        }
      stores[member].insert(id);
    } else {
      stores[member].insert(id);
    }
    if (r >= warm_up) {
      ++counted;
      hits += hit || sibling_hit;
      sibling_hits += sibling_hit;
    }
  }
  return {static_cast<double>(hits) / counted, static_cast<double>(sibling_hits) / counted, duplication(stores)};
}

double moved_share(const std::vector<uint32_t>& before, const std::vector<uint32_t>& after,
                   const std::vector<uint32_t>& index_map) {
  size_t moved = 0;
  for (size_t id = 0; id < before.size(); ++id) moved += index_map[before[id]] != after[id];
  return static_cast<double>(moved) / static_cast<double>(before.size());
}

bool parse_flag(const char* arg, const char* value, Settings& s) {
  auto number = [&](auto& out) {
    auto [end, ec] = std::from_chars(value, value + std::strlen(value), out);
    return ec == std::errc() && *end == '\0';
  };
  if (!std::strcmp(arg, "--urls")) return number(s.urls);
  if (!std::strcmp(arg, "--requests")) return number(s.requests);
  if (!std::strcmp(arg, "--store")) return number(s.store);
  if (!std::strcmp(arg, "--seed")) return number(s.seed);
  if (!std::strcmp(arg, "--alpha")) {
    char* end = nullptr;
    s.alpha = std::strtod(value, &end);
    return *end == '\0' && s.alpha > 0;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  Settings settings;
  for (int i = 1; i < argc; i += 2)
    if (i + 1 >= argc || !parse_flag(argv[i], argv[i + 1], settings)) {
      std::fprintf(stderr, "usage: %s [--urls N] [--requests N] [--store N] [--alpha A] [--seed S]\n", argv[0]);
      return 2;
    }

  // Zipf: URL id k (0-based) has weight 1/(k+1)^alpha. Ids are shuffled so that
  // popularity is not correlated with the URL text.
  std::vector<double> cdf(settings.urls);
  double sum = 0;
  for (size_t k = 0; k < settings.urls; ++k) cdf[k] = (sum += 1.0 / std::pow(static_cast<double>(k + 1), settings.alpha));
  std::vector<uint32_t> id_of_rank(settings.urls);
  for (uint32_t k = 0; k < settings.urls; ++k) id_of_rank[k] = k;
  std::mt19937 rng(settings.seed);
  std::shuffle(id_of_rank.begin(), id_of_rank.end(), rng);
  std::uniform_real_distribution<double> uniform(0, sum);
  std::vector<uint32_t> stream(settings.requests);
  for (auto& id : stream)
    id = id_of_rank[std::min<size_t>(std::lower_bound(cdf.begin(), cdf.end(), uniform(rng)) - cdf.begin(),
                                     settings.urls - 1)];

  std::printf("CARP array vs ICP siblings vs independent caches\n");
  std::printf("%zu URLs, Zipf alpha %.2f, %zu requests (first quarter warm-up), LRU store of %zu objects per member\n\n",
              settings.urls, settings.alpha, settings.requests, settings.store);
  std::printf("| N | carp hit | carp dup | icp hit (sibling) | icp dup | independent hit | independent dup |\n");
  std::printf("|---|---|---|---|---|---|---|\n");
  for (size_t n = 2; n <= 8; ++n) {
    cuttle::carp::Array array(equal_members(n));
    auto owner = owners(array, settings.urls);
    auto carp = simulate(Mode::Carp, n, stream, owner, settings);
    auto icp = simulate(Mode::Icp, n, stream, owner, settings);
    auto independent = simulate(Mode::Independent, n, stream, owner, settings);
    std::printf("| %zu | %.3f | %.2f | %.3f (%.3f) | %.2f | %.3f | %.2f |\n", n, carp.hit_ratio, carp.duplication,
                icp.hit_ratio, icp.sibling_hit_ratio, icp.duplication, independent.hit_ratio, independent.duplication);
  }

  std::printf("\nShare of URLs that change owner when a member joins an N-member array (equal weights)\n\n");
  std::printf("| N -> N+1 | added last | added first | ideal 1/(N+1) | hash mod N |\n");
  std::printf("|---|---|---|---|---|\n");
  for (size_t n = 2; n <= 8; ++n) {
    auto before = owners(cuttle::carp::Array(equal_members(n)), settings.urls);
    // Last: members 0..n-1 keep their indices. First: the newcomer is index 0,
    // the old member i becomes i+1.
    std::vector<uint32_t> same(n), shifted(n);
    for (uint32_t i = 0; i < n; ++i) {
      same[i] = i;
      shifted[i] = i + 1;
    }
    auto last = owners(cuttle::carp::Array(equal_members(n + 1)), settings.urls);
    auto with_first = equal_members(1, n);  // a name none of the others has
    auto rest = equal_members(n);
    with_first.insert(with_first.end(), rest.begin(), rest.end());
    auto first = owners(cuttle::carp::Array(with_first), settings.urls);
    size_t modulo_moved = 0;
    for (uint32_t id = 0; id < settings.urls; ++id) {
      uint32_t h = cuttle::carp::url_hash(url_of(id));
      modulo_moved += h % n != h % (n + 1);
    }
    std::printf("| %zu -> %zu | %.3f | %.3f | %.3f | %.3f |\n", n, n + 1, moved_share(before, last, same),
                moved_share(before, first, shifted), 1.0 / static_cast<double>(n + 1),
                static_cast<double>(modulo_moved) / static_cast<double>(settings.urls));
  }
  return 0;
}
