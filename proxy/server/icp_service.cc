#include "proxy/server/icp_service.h"

#include "proxy/cache/cache_policy.h"
#include "proxy/config/access_log_selection.h"
#include "proxy/http/request_facts.h"
#include "proxy/http/request_target.h"
#include "proxy/server/cache_hit.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

namespace cuttle {

icp::LookupResult icp_lookup(const Config& config, const store::ObjectCache* store, std::string_view url,
                             Clock::time_point now) {
  if (!store) return icp::LookupResult::Miss;
  auto target = parse_absolute_target(url);
  if (!target.target) return icp::LookupResult::Miss;
  const std::string key = target.target->url();  // the key HTTP requests file it under
  const auto& pattern = match_refresh_pattern(config.refresh_patterns, key);
  auto stored = find_stored_reply(*store, key, http::fields{}, pattern, now + kIcpHitFreshFor,
                                  std::chrono::duration_cast<Seconds>(config.negative_ttl));
  if (!stored) return icp::LookupResult::Miss;
  if (config.icp.hit_stale || stored->freshness.fresh) return icp::LookupResult::Hit;
  return icp::LookupResult::Miss;
}

bool icp_allowed(const Config& config, const boost::asio::ip::address& from, std::string_view url) {
  auto target = parse_absolute_target(url).target;
  RequestFacts facts = request_facts(target.value_or(RequestTarget{}), "GET", from);
  facts.initiator = Initiator::Icp;
  return check_access(config.icp.access, facts) == AccessDecision::Allow;
}

// Squid's access.log word for an ICP reply.
ResultCode icp_result(icp::Opcode reply) {
  switch (reply) {
    case icp::Opcode::Hit: return ResultCode::UdpHit;
    case icp::Opcode::MissNoFetch: return ResultCode::UdpMissNofetch;
    case icp::Opcode::Denied: return ResultCode::UdpDenied;
    case icp::Opcode::Err: return ResultCode::UdpInvalid;
    default: return ResultCode::UdpMiss;
  }
}

AccessLogEntry icp_log_entry(const icp::QueryLogEvent& event) {
  AccessLogEntry e;
  e.end_time = std::chrono::system_clock::now();
  e.client_ip = normalize_address(event.from.address()).to_string();
  e.result = icp_result(event.reply);
  e.status = 0;
  e.reply_bytes = event.reply_size;
  e.method = "ICP_QUERY";
  e.url = std::string(event.url);
  return e;
}

namespace {

// access_log lines with ACLs see the querying address, as Squid's ICP checklist.
uint64_t icp_log_files(const Config& config, const icp::QueryLogEvent& event) {
  if (!access_logs_select(config.access_logs)) return AccessLog::kAllFiles;
  RequestFacts facts;
  facts.client = normalize_address(event.from.address());
  facts.initiator = Initiator::Icp;
  return access_log_files(config.access_logs, facts);
}

}  // namespace

IcpService::IcpService(boost::asio::io_context& ioc, ProxyRuntime& runtime, uint16_t port)
    : runtime_(runtime),
      executor_(ioc.get_executor()),
      responder_(icp::ResponderHooks{
          [&runtime](const boost::asio::ip::address& from, std::string_view url) {
            return icp_allowed(*runtime.active()->config, from, url);
          },
          [&runtime](std::string_view url) {
            auto found = icp_lookup(*runtime.active()->config, runtime.store(), url, Clock::now());
            // icpGetCommonOpcode: in HIT-only mode a miss is MISS_NOFETCH, "do not ask me to fetch".
            if (found == icp::LookupResult::Miss && runtime.hit_only_mode().active(std::chrono::steady_clock::now()))
              found = icp::LookupResult::MissNoFetch;
            return found;
          }}),
      socket_([&] {
        try {
          return icp::open_icp_socket(ioc.get_executor(), "", port);
        } catch (const boost::system::system_error& e) {
          throw std::runtime_error("cannot listen on icp_port " + std::to_string(port) + ": " + e.code().message());
        }
      }()),
      server_(socket_, responder_),
      client_(socket_) {
  server_.on_log([this](const icp::QueryLogEvent& event) {
    const auto active = runtime_.active();
    if (active->config->icp.log_queries) runtime_.access_log().write(icp_log_entry(event), icp_log_files(*active->config, event));
  });
  server_.on_reply([this](const icp::Message& reply, const icp::udp::endpoint& from) { client_.deliver(reply, from); });
}

IcpService::~IcpService() { close(); }

awaitable<std::vector<icp::PeerReply>> IcpService::query(std::string url, std::vector<icp::udp::endpoint> peers,
                                                         Milliseconds timeout, icp::QueryOptions options) {
  co_return co_await asio::co_spawn(executor_,
                                    client_.query(std::move(url), std::move(peers), timeout, std::move(options)),
                                    asio::use_awaitable);
}

void IcpService::start(boost::asio::io_context& ioc) { boost::asio::co_spawn(ioc, server_.run(), boost::asio::detached); }

void IcpService::close() {
  boost::system::error_code ec;
  socket_.close(ec);
}

}  // namespace cuttle
