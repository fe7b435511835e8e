// A CARP array: the parent proxies that share one URL space, and the choice of
// member for a URL exactly as Squid 5 makes it (src/carp.cc carpSelectParent).
//
//   carp::Array array({{"p1", "10.0.0.1", 3128, 1}, {"p2", "10.0.0.2", 3128, 2}});
//   auto order = array.select("http://example.com/a");  // e.g. {1, 0}: p2 owns it
//   forward to the first member of `order` that is alive.
#pragma once

#include "carp/load_factors.h"
#include "carp/uri.h"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace cuttle::carp {

// One member, as a `cache_peer HOST parent PORT 0 carp [weight=N] [name=NAME]
// [carp-key=...]` line describes it.
struct Member {
  std::string name;        // hashed; Squid's name= defaults to the cache_peer host as written
  std::string host;        // where to connect (and what a PAC script names)
  uint16_t http_port = 0;
  int weight = 1;          // below 1 counts as 1, as Squid's cache_peer parser does
  KeyParts key;            // carp-key=; default: the whole URL
};

class Array {
 public:
  explicit Array(std::vector<Member> members);

  const std::vector<Member>& members() const { return members_; }
  size_t size() const { return members_.size(); }

  // Member indices (into members()) best first: the owner of the URL, then the
  // others by falling score. The owner is the member Squid would choose (the
  // highest score; on a tie the earlier one in Squid's hashing order). Members
  // Squid can never choose (score 0 or NaN, see load_factors.h) come last.
  // A URL Squid would reject is hashed as given.
  std::vector<size_t> select(std::string_view url) const;
  std::vector<size_t> select(const Uri& uri) const;

  // Squid's hashing order: ascending weight, configuration order among equals.
  struct Slot {
    size_t member;        // index into members()
    uint32_t hash;        // member_hash(name)
    double load_factor;
    double multiplier;
  };
  const std::vector<Slot>& slots() const { return slots_; }

  // Per slot (slots() order): combined hash and score for this URI. Squid feeds
  // each slot's key into ONE running URL hash that is not reset between slots,
  // so with equal keys slot k scores the key hashed k+1 times over; this keeps that.
  struct Score {
    uint32_t combined;
    double score;
  };
  std::vector<Score> scores(const Uri& uri) const;

 private:
  std::vector<size_t> rank(const std::vector<Score>& scores) const;
  // Feeds a slot's key (given its carp-key parts) into the running URL hash.
  using KeyFeeder = std::function<uint32_t(uint32_t running, const KeyParts& parts)>;
  std::vector<Score> score_slots(const KeyFeeder& feed_key) const;

  std::vector<Member> members_;
  std::vector<Slot> slots_;
};

// The rank a score sorts by (descending): a score Squid can choose (> 0, which
// includes +inf) counts as itself, anything else (0, NaN) as -1. The PAC script
// (pac.cc, carpOrder) writes the same rule in JavaScript.
inline double rank_value(double score) { return score > 0 ? score : -1.0; }

}  // namespace cuttle::carp
