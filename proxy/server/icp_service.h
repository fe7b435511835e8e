// cuttle's ICP responder: the icp/ server answering from this proxy's store and
// icp_access rules, logging to access.log as Squid does. One worker owns it (and
// its UDP socket); the counters may be read from any thread.
#pragma once

#include "icp/client.h"
#include "icp/server.h"
#include "proxy/cache/freshness.h"
#include "proxy/log/access_log.h"
#include "proxy/server/asio_types.h"
#include "proxy/server/runtime.h"

#include <memory>

namespace cuttle {

// HIT when the store holds a reply for `url` that will still be fresh when the
// asker comes for it (Squid's refreshCheckICP allows 30 s), or any stored reply
// with icp_hit_stale on; MISS otherwise.
icp::LookupResult icp_lookup(const Config& config, const store::ObjectCache* store, std::string_view url,
                             Clock::time_point now);
inline constexpr std::chrono::seconds kIcpHitFreshFor{30};

// icp_access for `from` asking about `url`.
bool icp_allowed(const Config& config, const boost::asio::ip::address& from, std::string_view url);

// The access.log line Squid 5.7 writes for an ICP query, e.g.
// "... 127.0.0.1 UDP_HIT/000 41 ICP_QUERY http://h/a - HIER_NONE/- -" (URL as asked:
// Squid neither strips the query nor lowercases it here).
AccessLogEntry icp_log_entry(const icp::QueryLogEvent& event);

class IcpService {
 public:
  // Binds icp_port on every interface; throws std::runtime_error naming the port.
  IcpService(boost::asio::io_context& ioc, ProxyRuntime& runtime, uint16_t port);
  ~IcpService();

  void start(boost::asio::io_context& ioc);
  void close();

  const icp::Counters& counters() const { return responder_.counters(); }
  const icp::ClientCounters& client_counters() const { return client_.counters(); }

  // Peer selection: sends QUERY(url) to every peer from the ICP socket and returns
  // one PeerReply per peer (in order) once all answered, a HIT arrived
  // (options.stop_at_hit) or `timeout` passed. Callable from any worker's
  // coroutine: the query runs on the owning worker's thread (so does
  // options.late_reply) and the caller resumes on its own.
  awaitable<std::vector<icp::PeerReply>> query(std::string url, std::vector<icp::udp::endpoint> peers,
                                               Milliseconds timeout, icp::QueryOptions options = {});

 private:
  ProxyRuntime& runtime_;
  boost::asio::any_io_executor executor_;  // the owning worker's
  icp::Responder responder_;
  icp::udp::socket socket_;
  icp::Server server_;
  icp::Client client_;
};

}  // namespace cuttle
