#include "proxy/server/proxy_protocol_intake.h"

#include "proxy/config/acl/access_rules.h"
#include "proxy/config/acl/facts.h"
#include "proxy/http/proxy_protocol_header.h"
#include "proxy/server/own_replies.h"
#include "proxy/server/runtime.h"
#include "proxy/server/transaction.h"

#include <ctime>
#include <iostream>
#include <string>
#include <variant>

namespace cuttle {
namespace {

// squid's version is longest at 107 bytes; version 2's block may announce 64 KiB.
constexpr size_t kProxyHeaderReadSize = 512;

std::string endpoint_text(const asio::ip::address& address, uint16_t port) {
  return (address.is_v6() ? "[" + address.to_string() + "]" : address.to_string()) + ":" + std::to_string(port);
}

// squid's words in cache.log.
void report_refusal(const ClientConnection& conn, const std::string& why) {
  std::cerr << "cuttle: " << why << " from local=" << endpoint_text(conn.local_address, conn.local_port)
            << " remote=" << endpoint_text(conn.client_address, conn.client_port) << std::endl;
}

// Squid's proxyProtocolValidateClient: a fast check on the TCP peer, no rules
// meaning nobody.
bool sender_allowed(const ClientConnection& conn, const Config& config) {
  RequestFacts facts;
  facts.client = conn.client_address;
  facts.connection.local_address = conn.local_address;
  facts.connection.local_port = conn.local_port;
  facts.connection.port_name = conn.port.name;
  facts.now = std::time(nullptr);
  return !config.proxy_protocol_access.empty() &&
         check_access(config.proxy_protocol_access, facts) == AccessDecision::Allow;
}

// The client and the address it connected to, as the header names them.
void take_addresses(ClientConnection& conn, const ProxyProtocolHeader& header) {
  if (!header.forwards_addresses()) return;
  conn.client_address = normalize_address(header.source->address);
  conn.client_port = header.source->port;
  conn.client_ip = conn.client_address.to_string();
  conn.local_address = normalize_address(header.destination->address);
  conn.local_port = header.destination->port;
  if (conn.port.address.empty()) conn.listening_ip = conn.local_address.to_string();
}

}  // namespace

awaitable<bool> take_proxy_protocol_header(ClientConnection& conn, const Config& config) {
  if (!sender_allowed(conn, config)) {
    report_refusal(conn, config.proxy_protocol_access.empty() ? "PROXY client not permitted by default ACL"
                                                              : "PROXY client not permitted by ACLs");
    log_connection_end(conn);
    co_return false;
  }
  conn.stream.expires_after(config.request_timeout);
  for (;;) {
    const auto data = conn.buffer.data();
    const auto result = parse_proxy_protocol({static_cast<const char*>(data.data()), data.size()});
    if (const auto* parsed = std::get_if<ProxyProtocolParsed>(&result)) {
      conn.buffer.consume(parsed->size);
      take_addresses(conn, parsed->header);
      co_return true;
    }
    if (const auto* error = std::get_if<ProxyProtocolError>(&result)) {
      report_refusal(conn, error->message);
      log_connection_end(conn);
      co_return false;
    }
    auto [ec, n] = co_await conn.stream.async_read_some(conn.buffer.prepare(kProxyHeaderReadSize), use_nothrow);
    conn.buffer.commit(n);
    if (ec) {
      // Closed, reset or timed out before the header was whole: squid says
      // nothing in cache.log, only logs the connection.
      if (conn.stream.socket().is_open()) log_connection_end(conn);
      co_return false;
    }
  }
}

}  // namespace cuttle
