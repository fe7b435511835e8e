// Requests no earlier step answered go upstream: peer selection picks the hops,
// the upstream exchange (forwarder.h) carries the request and relays the reply.
#include "proxy/server/steps/forwarding.h"

#include "proxy/http/header_rules.h"
#include "proxy/http/header_text.h"
#include "proxy/peers/peer_requests.h"
#include "proxy/server/forward_reports.h"
#include "proxy/server/next_hops.h"
#include "proxy/server/error_page_facts.h"
#include "proxy/server/own_replies.h"
#include "proxy/server/steps/delay_pool.h"
#include "proxy/server/steps/deny_answer.h"
#include "proxy/server/steps/invalidation.h"
#include "proxy/server/steps/reply_check.h"
#include "proxy/server/steps/steps.h"

#include <sys/socket.h>

#include <algorithm>
#include <chrono>

namespace cuttle {
namespace {

ForwardPlan accelerated_origin_plan(const CachePeerConfig& peer, const RequestTarget& target, const Config& config) {
  ForwardPlan plan;
  plan.upstream = UpstreamSpec{peer.host, peer.http_port, peer.tls, peer.tls_cafiles,
                               peer.connect_timeout.value_or(config.connections.peer_connect_timeout)};
  plan.host_header = peer.forceddomain.empty() ? target.authority() : peer.forceddomain;
  plan.hierarchy = {Hierarchy::FirstupParent};
  plan.request_target = target.path;
  plan.drop_authorization = !passes_authorization(peer);
  plan.no_delay = peer.no_delay;
  return plan;
}

// Squid's ORIGINAL_DST: an intercepted request goes to the address and port the
// client sent it to, with the Host it gave. A bumped one (https://) goes over TLS,
// the server checked against the name the client asked for.
ForwardPlan original_destination_plan(const tcp::endpoint& destination, const RequestTarget& target,
                                      const Config& config) {
  ForwardPlan plan;
  const bool tls = target.scheme == "https";
  plan.upstream = UpstreamSpec{normalize_address(destination.address()).to_string(), destination.port(), tls,
                               tls ? config.tls_outgoing_cafiles : std::vector<std::string>{}, std::nullopt};
  if (tls) plan.upstream.tls_name = target.host;
  plan.host_header = target.authority();
  plan.hierarchy = {Hierarchy::OriginalDst};
  plan.request_target = target.path;
  return plan;
}

// As squid's peer selection (CVE-2009-0801): an intercepted request whose Host was
// not verified goes to its original destination only, never to a peer; with
// client_dst_passthru (squid's default) every direct hop goes there too. A URL the
// rewriter gave is fetched as any other.
bool bound_to_original_destination(const ClientConnection& conn, const Transaction& tx) {
  return conn.original_destination && !tx.url_rewritten && !tx.target().is_connect();
}

void pass_through_to_original_destination(const ClientConnection& conn, Transaction& tx) {
  if (!bound_to_original_destination(conn, tx) || !tx.config().client_dst_passthru) return;
  for (auto& hop : tx.next_hops)
    if (hop.hierarchy.code == Hierarchy::Direct)
      hop = original_destination_plan(*conn.original_destination, tx.target(), tx.config());
}

// TPROXY (squid's spoofClientIp): servers see the client's own address, unless
// the port takes PROXY protocol headers, spoof_client_ip denies it, or the hop is
// a peer marked no-tproxy.
void spoof_client_address(const ClientConnection& conn, Transaction& tx) {
  if (!conn.port.tproxy || conn.port.require_proxy_header) return;
  const auto& rules = tx.config().spoof_client_ip;
  if (!rules.empty() && check_access(rules, tx.facts) != AccessDecision::Allow) return;
  for (auto& hop : tx.next_hops)
    if (!hop.no_tproxy) hop.upstream.spoofed_source = conn.client_address;
}

// forward_timeout, as squid's FwdState: an attempt's connect may take no longer
// than the forwarding has left (Comm::Connection::connectTimeout); with nothing
// left, no further attempt is made.
bool within_forward_timeout(ForwardPlan& attempt, const Config& config,
                            std::chrono::steady_clock::time_point deadline) {
  const auto now = std::chrono::steady_clock::now();
  if (now >= deadline) return false;
  const auto left = std::chrono::duration_cast<Milliseconds>(deadline - now);
  attempt.upstream.connect_timeout = std::min(attempt.upstream.connect_timeout.value_or(config.connect_timeout), left);
  return true;
}

// The client shut its sending side with nothing more to read: squid 5.7 sees the
// end of its input while the request is pending and, with half_closed_clients
// off, takes the client for gone.
bool client_half_closed(ClientConnection& conn) {
  if (conn.buffer.size() > 0) return false;
  char byte;
  return ::recv(conn.stream.socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

// What squid logs for it: TCP_MISS_ABORTED/000, nothing sent, the connection closed.
bool abandon_for_gone_client(ClientConnection& conn, Transaction& tx) {
  tx.entry.result = ResultCode::TcpMiss;
  tx.entry.result_suffix = ResultSuffix::Aborted;
  log_transaction(conn, tx);
  return false;
}

}  // namespace

awaitable<StepResult> forward_upstream(ClientConnection& conn, Transaction& tx) {
  auto plan = co_await plan_forwarding(conn, tx);
  if (!plan) co_return co_await reply_error(conn, ErrorKind::CannotForward, tx, tx.reusable_after_own_reply());
  co_return co_await forward(conn, tx, *plan);
}

awaitable<std::optional<ForwardPlan>> plan_forwarding(ClientConnection& conn, Transaction& tx) {
  const ActiveConfig& active = *tx.active;
  if (conn.port.accel && active.origin_server) {
    auto plan = accelerated_origin_plan(*active.origin_server, tx.target(), *active.config);
    if (tx.client_host_header && active.origin_server->forceddomain.empty()) plan.host_header = *tx.client_host_header;
    co_return plan;
  }
  if (bound_to_original_destination(conn, tx) && !tx.host_verified) {
    tx.next_hops = {original_destination_plan(*conn.original_destination, tx.target(), tx.config())};
  } else {
    tx.next_hops = co_await choose_next_hops(active, tx.target(), tx.request().base(), tx.facts, conn.services);
    pass_through_to_original_destination(conn, tx);
  }
  spoof_client_address(conn, tx);
  if (tx.next_hops.empty()) co_return std::nullopt;
  if (tx.client_host_header)
    for (auto& hop : tx.next_hops) hop.host_header = *tx.client_host_header;
  co_return tx.next_hops.front();
}

awaitable<bool> forward(ClientConnection& conn, Transaction& tx, const ForwardPlan& plan, CacheFill* fill) {
  const Config& config = tx.config();
  if (!config.connections.half_closed_clients && client_half_closed(conn)) co_return abandon_for_gone_client(conn, tx);
  const auto deadline = std::chrono::steady_clock::now() + config.connections.forward_timeout;
  const bool safe_method = is_safe_method(tx.request().method());
  auto client = conn.side();
  client.entry = &tx.entry;
  hook_reply_check(client, conn, tx);
  hook_delay_pool(client, conn, tx);
  keep_request_for_error_pages(tx);
  // The forwarder consumes the parsed header; a retry parses the same bytes again.
  std::string header_text;
  if (tx.next_hops.size() > 1 && !tx.has_body) header_text = cuttle::header_text(tx.request());
  std::optional<http::request_parser<http::empty_body>> again;
  auto* current = tx.parser;
  ForwardPlan attempt = plan;
  if (!safe_method)
    attempt.on_reply_header = [store = conn.runtime().store(), &target = tx.target()](const auto& reply) {
      invalidate_after_unsafe_method(store, target, reply);
    };
  within_forward_timeout(attempt, config, deadline);  // the first attempt is always made
  ForwardOutcome outcome;
  for (size_t hop = 0;; ++hop) {
    outcome = co_await forward_request(&client, tx.facts, *current, attempt, fill, *tx.active, conn.services);
    report_hop_attempt(conn.runtime(), attempt, outcome);
    // A failed attempt sent nothing to the client: the next hop may have it, unless
    // the body is gone or an unsafe request may already have reached a server.
    const bool next_exists = hop + 1 < tx.next_hops.size();
    if (!outcome.error || !next_exists || header_text.empty()) break;
    if (!safe_method && !outcome.server_address.empty()) break;
    again.emplace();
    if (!parse_request_header(header_text, *again)) break;
    current = &*again;
    // The next hop; what is done with the reply (X-Cache-Lookup, the fill) stays.
    static_cast<NextHop&>(attempt) = tx.next_hops[hop + 1];
    if (!within_forward_timeout(attempt, config, deadline)) break;
  }
  report_forwarding_result(conn.runtime(), outcome);
  tx.reply_stored = fill && fill->stored();
  if (tx.entry.result == ResultCode::None) tx.entry.result = ResultCode::TcpMiss;
  co_return co_await finish_forwarded(conn, outcome, attempt, tx);
}

void note_server_side(AccessLogEntry& entry, const ForwardOutcome& outcome) {
  entry.server_status = outcome.status;
  entry.server_port = outcome.server_port;
  entry.request_bytes += outcome.request_body_bytes;
}

awaitable<bool> finish_forwarded(ClientConnection& conn, const ForwardOutcome& outcome, const ForwardPlan& plan,
                                 Transaction& tx) {
  note_server_side(tx.entry, outcome);
  if (outcome.reply_denied) {
    tx.entry.hierarchy = plan.hierarchy;
    tx.entry.peer = outcome.server_address;
    tx.entry.result = ResultCode::TcpDeniedReply;
    if (!outcome.client_reusable) tx.client_keep_alive = false;
    if (outcome.reply_too_large) co_return co_await reply_error(conn, ErrorKind::ReplyTooLarge, tx, true);
    co_return co_await answer_denial(conn, tx, outcome.denied_by, true, "http_reply_access denied the reply");
  }
  if (outcome.error) {
    if (!outcome.server_address.empty()) {
      tx.entry.hierarchy = plan.hierarchy;
      tx.entry.peer = outcome.server_address;
    } else if (!outcome.error_detail.server_ip.empty() && *outcome.error != ErrorKind::TlsFailed) {
      // A connection that failed: squid logs the address it tried (HIER_DIRECT/IP, %<a, %<p);
      // not one whose TLS handshake failed (HIER_NONE/-, as squid 5.7 logs it).
      tx.entry.hierarchy = plan.hierarchy;
      tx.entry.peer = outcome.error_detail.server_ip;
      tx.entry.server_port = plan.upstream.port;
    }
    co_return co_await reply_error(conn, *outcome.error, tx, outcome.client_reusable, outcome.error_detail);
  }
  tx.entry.status = outcome.status;
  tx.entry.reply_bytes = outcome.reply_bytes;
  tx.entry.hierarchy = plan.hierarchy;
  tx.entry.peer = outcome.server_address;
  if (!outcome.content_type.empty()) tx.entry.content_type = outcome.content_type;
  tx.entry.reply_head = outcome.reply_head;
  if (outcome.aborted && !outcome.cut_at_limit) tx.entry.result_suffix = ResultSuffix::Aborted;
  log_transaction(conn, tx);
  co_return outcome.client_reusable && !outcome.aborted;
}

}  // namespace cuttle
