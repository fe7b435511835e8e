#include "carp/array.h"

#include "carp/hash.h"

#include <algorithm>
#include <functional>

namespace cuttle::carp {

Array::Array(std::vector<Member> members) : members_(std::move(members)) {
  for (auto& m : members_) m.weight = std::max(m.weight, 1);

  std::vector<size_t> order(members_.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  // Squid qsort()s on weight; glibc's qsort is a merge sort for arrays this
  // small, so members with equal weights keep their configuration order.
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return members_[a].weight < members_[b].weight; });

  std::vector<int> weights;
  for (size_t i : order) weights.push_back(members_[i].weight);
  auto factors = load_factors(weights);

  for (size_t k = 0; k < order.size(); ++k)
    slots_.push_back({order[k], member_hash(members_[order[k]].name), factors[k].factor, factors[k].multiplier});
}

std::vector<Array::Score> Array::score_slots(const KeyFeeder& feed_key) const {
  std::vector<Score> out;
  out.reserve(slots_.size());
  uint32_t running = 0;  // deliberately not reset per slot (Squid)
  for (const auto& slot : slots_) {
    running = feed_key(running, members_[slot.member].key);
    uint32_t combined = combine(running, slot.hash);
    out.push_back({combined, static_cast<double>(combined) * slot.multiplier});
  }
  return out;
}

std::vector<Array::Score> Array::scores(const Uri& uri) const {
  const std::string whole = uri.effective();
  return score_slots([&](uint32_t running, const KeyParts& parts) {
    return url_hash_update(running, parts.any() ? hash_key(uri, parts) : whole);
  });
}

std::vector<size_t> Array::rank(const std::vector<Score>& scores) const {
  std::vector<size_t> by_score(slots_.size());
  for (size_t k = 0; k < by_score.size(); ++k) by_score[k] = k;
  // Stable: equal scores keep hashing order, as Squid's strict '>' keeps the first.
  std::stable_sort(by_score.begin(), by_score.end(), [&](size_t a, size_t b) {
    return rank_value(scores[a].score) > rank_value(scores[b].score);
  });
  std::vector<size_t> members;
  members.reserve(by_score.size());
  for (size_t k : by_score) members.push_back(slots_[k].member);
  return members;
}

std::vector<size_t> Array::select(const Uri& uri) const { return rank(scores(uri)); }

std::vector<size_t> Array::select(std::string_view url) const {
  if (auto uri = parse_uri(url)) return select(*uri);
  return rank(score_slots([&](uint32_t running, const KeyParts&) { return url_hash_update(running, url); }));
}

}  // namespace cuttle::carp
