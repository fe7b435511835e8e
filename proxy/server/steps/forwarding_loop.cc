// A request whose Via already names this proxy has been here before: forwarding
// it again would loop until some hop gives up. So would one that reached an
// intercept port without being redirected there: its original destination is this
// proxy (squid sends it to itself once and refuses it there; cuttle refuses it at
// once, with `via off` too). Logged TCP_MISS/403, as squid logs it.
#include "proxy/http/header_rules.h"
#include "proxy/peers/peer_requests.h"
#include "proxy/server/own_replies.h"
#include "proxy/server/steps/steps.h"

#include <iostream>

namespace cuttle {

awaitable<StepResult> detect_forwarding_loop(ClientConnection& conn, Transaction& tx) {
  if (!conn.intercept_port_reached_directly &&
      !via_names(joined_values(tx.request(), "Via"), tx.active->hostname, tx.active->product()))
    co_return kNextStep;
  tx.entry.result = ResultCode::TcpMiss;
  std::cerr << "cuttle: WARNING: Forwarding loop detected for: " << tx.entry.url << std::endl;
  co_return co_await reply_error(conn, ErrorKind::ForwardingLoop, tx, tx.reusable_after_own_reply());
}

}  // namespace cuttle
