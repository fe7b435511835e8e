// A worker's name resolution: squid's ipcache (shared by every worker) in front of
// this worker's own c-ares channel. A name asked for while its lookup is under
// way joins it; A and AAAA are asked for together and their addresses kept in
// that order, as squid 5.7 gets them. Single-threaded like the rest of a worker.
#pragma once

#include "proxy/config/dns_config.h"
#include "proxy/dns/address_cache.h"
#include "proxy/dns/ares_channel.h"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/system/error_code.hpp>

#include <memory>
#include <string>
#include <unordered_map>

namespace cuttle::dns {

struct ResolveResult {
  std::vector<boost::asio::ip::address> addresses;  // empty on failure
  boost::system::error_code error;                  // asio::error::timed_out past dns_timeout
  std::string error_text;                           // squid's words (the error page's %z)
};

class Resolver {
 public:
  Resolver(boost::asio::any_io_executor executor, AddressCache& cache) : executor_(executor), cache_(cache) {}
  ~Resolver();
  // Ends c-ares' channel (its sockets and timer are I/O objects of the worker's
  // io_context, so this comes before the io_context goes). Lookups under way end.
  void shut_down() { channel_.reset(); }

  // IP literals are answered at once; names from the hosts file, the cache or DNS.
  boost::asio::awaitable<ResolveResult> resolve(std::string host, const DnsConfig& config);
  // The name of an address (srcdomain): the hosts file's, else a PTR lookup,
  // remembered for `ttl`. "" when it has none or the lookup failed.
  boost::asio::awaitable<std::string> name_of(const boost::asio::ip::address& address, const DnsConfig& config);

 private:
  struct Lookup;
  AresChannel& channel_for(const DnsConfig& config);
  std::shared_ptr<Lookup> start_lookup(const std::string& name, const DnsConfig& config);
  void send_queries(const std::shared_ptr<Lookup>& lookup);  // on channel_
  void answered(const std::shared_ptr<Lookup>& lookup, int type, int status, const unsigned char* answer, int length);
  void finish(const std::shared_ptr<Lookup>& lookup);

  boost::asio::any_io_executor executor_;
  AddressCache& cache_;
  std::unordered_map<std::string, std::shared_ptr<Lookup>> in_flight_;
  struct Name {
    std::string name;
    Clock::time_point expires;
  };
  std::unordered_map<std::string, Name> names_;  // by address
  DnsConfig channel_config_;
  // Last: destroyed first, while what its pending answers touch still exists.
  std::unique_ptr<AresChannel> channel_;
};

}  // namespace cuttle::dns
