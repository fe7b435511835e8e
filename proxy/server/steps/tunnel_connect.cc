// CONNECT: a byte tunnel between the client and the target's host:port.
#include "proxy/server/own_replies.h"
#include "proxy/server/steps/connect_tunnel.h"
#include "proxy/server/steps/delay_pool.h"
#include "proxy/server/steps/steps.h"
#include "proxy/server/tunnel.h"

namespace cuttle {
namespace {

// As squid 5.7 logs a tunnel that never opened: NONE_NONE, the address tried,
// and its error page as no reply (size 0, no type).
void note_unopened(Transaction& tx, const TunnelOutcome& outcome) {
  tx.entry.result = ResultCode::None;
  if (!outcome.error_detail.server_ip.empty()) {
    tx.entry.hierarchy = {Hierarchy::Direct};
    tx.entry.peer = outcome.error_detail.server_ip;
    tx.entry.server_port = tx.target().port;
  }
  tx.log_reply_as_unsent = true;
}

void log_tunnel(ClientConnection& conn, Transaction& tx, const TunnelOutcome& outcome, bool announced) {
  tx.entry.result = ResultCode::TcpTunnel;
  tx.entry.status = 200;
  tx.entry.reply_bytes = outcome.bytes_to_client;
  tx.entry.hierarchy = {Hierarchy::Direct};
  tx.entry.peer = outcome.server_address;
  tx.entry.server_port = tx.target().port;
  if (announced && tx.config().logs_reply_head()) tx.entry.reply_head = std::string(kConnectionEstablished);
  log_transaction(conn, tx);
}

}  // namespace

awaitable<bool> open_tunnel(ClientConnection& conn, Transaction& tx, bool announce) {
  const RequestTarget& target = tx.target();
  UpstreamSpec spec{target.host, target.port, false, {}, std::nullopt};
  auto client = conn.side();
  hook_delay_pool(client, conn, tx);
  auto outcome = co_await run_tunnel(client, spec, tx.config(), conn.services, tx.facts, announce);
  if (outcome.error) {
    note_unopened(tx, outcome);
    if (announce) co_return co_await reply_error(conn, *outcome.error, tx, false, outcome.error_detail);
    // The client was told 200 already (a peek): the connection just ends, logged
    // with the error's status as squid logs it (NONE_NONE/503).
    tx.entry.status = static_cast<unsigned>(error_status(*outcome.error));
    log_transaction(conn, tx);
    co_return false;
  }
  log_tunnel(conn, tx, outcome, announce);
  co_return false;  // the tunnel used the connection up
}

awaitable<StepResult> tunnel_connect(ClientConnection& conn, Transaction& tx) {
  if (tx.request().method() != http::verb::connect) co_return kNextStep;
  // Inside a tunnel already bumped, SslBump has decided: a CONNECT there is tunnelled.
  if (conn.port.ssl_bump && !conn.bumped) co_return co_await bump_connect(conn, tx);
  co_return co_await open_tunnel(conn, tx, true);
}

}  // namespace cuttle
