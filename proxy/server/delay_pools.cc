#include "proxy/server/delay_pools.h"

#include <boost/beast/core/string.hpp>

#include <algorithm>
#include <sstream>
#include <strings.h>

namespace cuttle {
namespace {

using Clock = TokenBucket::Clock;

// Buckets by key in the order first seen, as squid's VectorMap lists them.
struct KeyedBuckets {
  struct Entry {
    std::string key;
    std::unique_ptr<TokenBucket> bucket;
  };
  std::vector<Entry> entries;

  // Users and tags compare case-insensitively, as squid's splay trees do.
  TokenBucket& find_or_make(std::string_view key, bool ignore_case, const DelayRate& rate, unsigned initial_percent,
                            Clock::time_point now) {
    for (auto& e : entries)
      if (ignore_case ? boost::beast::iequals(e.key, key) : e.key == key) return *e.bucket;
    // squid's DelayBucket::init: a new bucket starts at the initial percentage.
    const auto initial = static_cast<int64_t>(double(rate.max) * initial_percent / 100);
    entries.push_back({std::string(key), std::make_unique<TokenBucket>(rate.restore, rate.max, double(initial), now)});
    return *entries.back().bucket;
  }
};

std::string octet_key(const boost::asio::ip::address_v4& a, int shift) {
  return std::to_string((a.to_uint() >> shift) & 0xff);
}

// DelaySpec::stats: the label, then the rates or "Disabled."; false when disabled.
bool rate_heading(std::ostream& out, std::string_view label, const DelayRate& rate) {
  if (rate.unlimited()) {
    out << "\t" << label << ":\n\t\tDisabled.\n\n";
    return false;
  }
  out << "\t" << label << ":\n\t\tMax: " << rate.max << "\n\t\tRestore: " << rate.restore << "\n";
  return true;
}

void bucket_list(std::ostream& out, KeyedBuckets& buckets, Clock::time_point now) {
  for (auto& e : buckets.entries) {
    e.bucket->refill(now);
    out << " " << e.key << ":" << e.bucket->level();
  }
}

// Squid lists users and tags in its splay tree's order: case-insensitively sorted.
void sorted_bucket_list(std::ostream& out, KeyedBuckets& buckets, Clock::time_point now) {
  std::vector<KeyedBuckets::Entry*> order;
  for (auto& e : buckets.entries) order.push_back(&e);
  std::sort(order.begin(), order.end(),
            [](const auto* a, const auto* b) { return strcasecmp(a->key.c_str(), b->key.c_str()) < 0; });
  for (auto* e : order) {
    e->bucket->refill(now);
    out << " " << e->key << ":" << e->bucket->level();
  }
}

}  // namespace

struct DelayPools::Pool {
  DelayPoolConfig config;
  std::vector<DelayLevel> levels;
  // squid builds the aggregate bucket before it reads the pool's rates, so its
  // initial level comes out as 0, not delay_initial_bucket_level: so here.
  std::unique_ptr<TokenBucket> aggregate;
  KeyedBuckets networks;     // class 3, 4: by the address's third octet
  KeyedBuckets individuals;  // class 2: by the last octet
  std::vector<std::pair<std::string, KeyedBuckets>> hosts_by_network;  // class 3, 4
  KeyedBuckets users, tags;

  const DelayRate& rate(DelayLevel level) const {
    for (size_t i = 0; i < levels.size(); ++i)
      if (levels[i] == level) return config.rates[i];
    static const DelayRate kNone;
    return kNone;
  }

  KeyedBuckets& hosts_of(const std::string& network) {
    for (auto& [key, hosts] : hosts_by_network)
      if (key == network) return hosts;
    hosts_by_network.emplace_back(network, KeyedBuckets{});
    return hosts_by_network.back().second;
  }

  void report(std::ostream& out, Clock::time_point now);
};

DelayPools::DelayPools(const DelayPoolsConfig& config, Clock::time_point now) : initial_percent_(config.initial_percent) {
  for (const auto& pool_config : config.pools) {
    auto pool = std::make_unique<Pool>();
    pool->config = pool_config;
    pool->levels = delay_levels(pool_config.pool_class);
    const auto& aggregate = pool->rate(DelayLevel::Aggregate);
    if (!aggregate.unlimited()) pool->aggregate = std::make_unique<TokenBucket>(aggregate.restore, aggregate.max, 0.0, now);
    pools_.push_back(std::move(pool));
  }
}

DelayPools::~DelayPools() = default;

BucketTicket DelayPools::ticket(size_t number, const Client& client, Clock::time_point now) {
  if (number < 1 || number > pools_.size()) return {};
  auto& pool = *pools_[number - 1];
  std::vector<TokenBucket*> buckets;
  std::lock_guard lock(mutex);
  if (pool.aggregate) buckets.push_back(pool.aggregate.get());
  // The network and host levels key on IPv4 octets: other clients pass them (as squid).
  const bool v4 = client.address.is_v4();
  for (auto level : pool.levels) {
    const auto& rate = pool.rate(level);
    if (rate.unlimited()) continue;
    if (level == DelayLevel::Network && v4) {
      buckets.push_back(&pool.networks.find_or_make(octet_key(client.address.to_v4(), 8), false, rate,
                                                    initial_percent_, now));
    } else if (level == DelayLevel::Individual && v4 && pool.config.pool_class == 2) {
      buckets.push_back(&pool.individuals.find_or_make(octet_key(client.address.to_v4(), 0), false, rate,
                                                       initial_percent_, now));
    } else if (level == DelayLevel::Individual && v4) {
      auto& hosts = pool.hosts_of(octet_key(client.address.to_v4(), 8));
      buckets.push_back(&hosts.find_or_make(octet_key(client.address.to_v4(), 0), false, rate, initial_percent_, now));
    } else if (level == DelayLevel::User && !client.user.empty()) {
      buckets.push_back(&pool.users.find_or_make(client.user, true, rate, initial_percent_, now));
    } else if (level == DelayLevel::Tag && !client.tag.empty()) {
      buckets.push_back(&pool.tags.find_or_make(client.tag, true, rate, initial_percent_, now));
    }
  }
  return BucketTicket(shared_from_this(), std::move(buckets));
}

void DelayPools::Pool::report(std::ostream& out, Clock::time_point now) {
  for (auto level : levels) {
    const auto& spec = rate(level);
    switch (level) {
      case DelayLevel::Aggregate:
        if (!rate_heading(out, "Aggregate", spec)) break;
        aggregate->refill(now);
        out << "\t\tCurrent: " << aggregate->level() << "\n\n";
        break;
      case DelayLevel::Network:
      case DelayLevel::Individual:
        if (!rate_heading(out, level == DelayLevel::Network ? "Network" : "Individual", spec)) {
          out << "\n\n";
        } else if (level == DelayLevel::Network || config.pool_class == 2) {
          auto& buckets = level == DelayLevel::Network ? networks : individuals;
          out << "\t\tCurrent:";
          bucket_list(out, buckets, now);
          out << (buckets.entries.empty() ? " Not used yet.\n\n" : "\n\n");
        } else {
          for (auto& [network, hosts] : hosts_by_network) {
            out << "\t\tCurrent [Network " << network << "]:";
            bucket_list(out, hosts, now);
            out << "\n";
          }
          if (hosts_by_network.empty()) out << "\t\tCurrent [All networks]: Not used yet.\n";
          out << "\n\n";
        }
        break;
      case DelayLevel::User:
      case DelayLevel::Tag: {
        if (!rate_heading(out, level == DelayLevel::User ? "Per User" : "Per Tag", spec)) break;
        auto& buckets = level == DelayLevel::User ? users : tags;
        out << "\t\tCurrent: ";
        if (buckets.entries.empty()) {
          out << "Not used yet.\n\n";
          break;
        }
        sorted_bucket_list(out, buckets, now);
        out << "\n\n";
        break;
      }
    }
  }
}

std::string DelayPools::report(Clock::time_point now) {
  std::ostringstream out;
  std::lock_guard lock(mutex);
  out << "Delay pools configured: " << pools_.size() << "\n\n";
  for (size_t i = 0; i < pools_.size(); ++i) {
    auto& pool = *pools_[i];
    if (pool.config.pool_class == 0) {
      out << "\tMisconfigured pool.\n\n";
      continue;
    }
    out << "Pool: " << i + 1 << "\n\tClass: " << pool.config.pool_class << "\n\n";
    pool.report(out, now);
  }
  return out.str();
}

}  // namespace cuttle
