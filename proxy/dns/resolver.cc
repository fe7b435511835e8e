#include "proxy/dns/resolver.h"

#include "proxy/dns/dns_answer.h"

#include <arpa/nameser.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "proxy/config/ascii_case.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace cuttle::dns {
namespace asio = boost::asio;
using Timer = asio::steady_timer;

struct Resolver::Lookup {
  std::string name;
  DnsConfig config;
  int unanswered = 2;  // A and AAAA
  RecordSet a, aaaa;
  bool done = false;
  ResolveResult result;
  std::vector<std::weak_ptr<Timer>> waiters;  // each waiting request's deadline
};

namespace {

// A record's TTL within [negative_dns_ttl, positive_dns_ttl], as squid documents it.
Clock::duration clamped_ttl(uint32_t seconds, const DnsConfig& config) {
  const std::chrono::milliseconds ttl = std::chrono::seconds(seconds);
  return std::min(std::max(ttl, config.negative_ttl), config.positive_ttl);
}

ResolveResult result_of(const Addresses& entry) {
  if (!entry.addresses.empty()) return {entry.addresses, {}, {}};
  const auto error = entry.error == "Timeout" ? asio::error::make_error_code(asio::error::timed_out)
                                              : asio::error::make_error_code(asio::error::host_not_found);
  return {{}, error, entry.error};
}

// The answer that explains a failure: a server's refusal over "no records".
const RecordSet& telling_failure(const RecordSet& a, const RecordSet& aaaa) {
  return a.status == ARES_ENODATA && aaaa.status != ARES_ENODATA ? aaaa : a;
}

}  // namespace

Resolver::~Resolver() = default;

AresChannel& Resolver::channel_for(const DnsConfig& config) {
  const bool same = channel_ && config.nameservers == channel_config_.nameservers &&
                    config.timeout == channel_config_.timeout && config.retransmit == channel_config_.retransmit;
  if (same) return *channel_;
  // Reconfigured: the lookups under way are asked again of the new servers.
  channel_.reset();  // their old queries end with ARES_EDESTRUCTION, ignored
  channel_ = std::make_unique<AresChannel>(executor_, config);
  channel_config_ = config;
  for (auto& [name, lookup] : in_flight_) send_queries(lookup);
  return *channel_;
}

void Resolver::send_queries(const std::shared_ptr<Lookup>& lookup) {
  lookup->unanswered = 2;
  for (int type : {ns_t_a, ns_t_aaaa})
    channel_->query(lookup->name, type, lookup->config.defnames,
                    [this, lookup, type](int status, const unsigned char* answer, int length) {
                      answered(lookup, type, status, answer, length);
                    });
}

asio::awaitable<ResolveResult> Resolver::resolve(std::string host, const DnsConfig& config) {
  boost::system::error_code not_literal;
  const auto literal = asio::ip::make_address(host, not_literal);
  if (!not_literal) {
    cache_.count_numeric();
    co_return ResolveResult{{literal}, {}, {}};
  }
  if (host.empty()) {
    cache_.count_invalid();
    co_return ResolveResult{{}, asio::error::make_error_code(asio::error::host_not_found), "Invalid hostname"};
  }
  host = ascii_lowercase(std::move(host));
  if (auto cached = cache_.find(host, Clock::now())) co_return result_of(*cached);

  channel_for(config);  // first: a new channel asks again for the lookups under way
  auto& slot = in_flight_[host];
  if (!slot) slot = start_lookup(host, config);
  auto joined = slot;  // the map's entry goes when the lookup finishes
  auto deadline = std::make_shared<Timer>(executor_, config.timeout);
  joined->waiters.push_back(deadline);
  co_await deadline->async_wait(asio::as_tuple(asio::use_awaitable));
  if (joined->done) co_return joined->result;
  co_return ResolveResult{{}, asio::error::make_error_code(asio::error::timed_out), "Timeout"};
}

std::shared_ptr<Resolver::Lookup> Resolver::start_lookup(const std::string& name, const DnsConfig& config) {
  auto lookup = std::make_shared<Lookup>();
  lookup->name = name;
  lookup->config = config;
  send_queries(lookup);
  return lookup;
}

void Resolver::answered(const std::shared_ptr<Lookup>& lookup, int type, int status, const unsigned char* answer,
                        int length) {
  if (status == ARES_EDESTRUCTION || status == ARES_ECANCELLED) return;  // shutting down or reconfigured
  auto& set = type == ns_t_a ? lookup->a : lookup->aaaa;
  if (status == ARES_SUCCESS)
    set = parse_answer(type, answer, length);
  else
    set.status = status;
  if (--lookup->unanswered == 0) finish(lookup);
}

// Both answers are in: the entry squid's ipcacheHandleReply would make.
void Resolver::finish(const std::shared_ptr<Lookup>& lookup) {
  const auto now = Clock::now();
  const auto& config = lookup->config;
  Addresses entry;
  entry.addresses = lookup->a.addresses;
  entry.addresses.insert(entry.addresses.end(), lookup->aaaa.addresses.begin(), lookup->aaaa.addresses.end());
  if (entry.addresses.empty()) {
    entry.error = describe_status(telling_failure(lookup->a, lookup->aaaa).status);
    entry.expires = now + config.negative_ttl;
  } else {
    uint32_t ttl = UINT32_MAX;
    for (const auto* set : {&lookup->a, &lookup->aaaa})
      if (!set->addresses.empty()) ttl = std::min(ttl, set->ttl_seconds);
    entry.expires = now + clamped_ttl(ttl, config);
  }
  cache_.count_records(lookup->a.addresses.size(), lookup->aaaa.addresses.size(),
                       std::max(lookup->a.cnames, lookup->aaaa.cnames), entry.addresses.empty() &&
                                                                            (lookup->a.cnames || lookup->aaaa.cnames));
  if (config.negative_ttl.count() > 0 || !entry.addresses.empty()) cache_.store(lookup->name, entry, now);
  lookup->result = result_of(entry);
  lookup->done = true;
  for (auto& waiter : lookup->waiters)
    if (auto timer = waiter.lock()) timer->cancel();
  if (auto it = in_flight_.find(lookup->name); it != in_flight_.end() && it->second == lookup) in_flight_.erase(it);
}

asio::awaitable<std::string> Resolver::name_of(const asio::ip::address& address, const DnsConfig& config) {
  if (auto from_hosts = cache_.host_name_of(address)) co_return *from_hosts;
  const auto key = address.to_string();
  const auto now = Clock::now();
  if (auto it = names_.find(key); it != names_.end()) {
    if (it->second.expires > now) co_return it->second.name;
    names_.erase(it);
  }
  struct Answer {
    bool done = false;
    std::string name;
  };
  auto answer = std::make_shared<Answer>();
  auto deadline = std::make_shared<Timer>(executor_, config.timeout);
  channel_for(config).name_of(address, [answer, weak = std::weak_ptr(deadline)](int status, std::string name) {
    if (status == ARES_EDESTRUCTION || status == ARES_ECANCELLED) return;
    answer->done = true;
    answer->name = ascii_lowercase(std::move(name));
    if (auto timer = weak.lock()) timer->cancel();
  });
  co_await deadline->async_wait(asio::as_tuple(asio::use_awaitable));
  const bool found = answer->done && !answer->name.empty();
  constexpr size_t kMaxNames = 10000;
  if (names_.size() >= kMaxNames) names_.clear();  // crude bound; hot addresses come back at once
  names_[key] = Name{answer->name, now + (found ? config.positive_ttl : config.negative_ttl)};
  co_return answer->name;
}

}  // namespace cuttle::dns
