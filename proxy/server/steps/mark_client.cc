// clientside_tos: once the request's callouts are done (after http_access, the
// rewriter and store-ID, as squid 5.7's doCallouts marks it, a denied request
// included), the first matching line's TOS byte goes on the client connection's
// packets from then on; 0 leaves it as it is, as in squid.
#include "proxy/server/steps/mark_client.h"

#include "proxy/config/acl/access_rules.h"

#include <netinet/in.h>
#include <sys/socket.h>

namespace cuttle {

void mark_client_connection(ClientConnection& conn, const Transaction& tx) {
  const auto& lines = tx.config().outgoing.client_tos;
  for (const auto& line : lines) {
    if (!all_acls_match(line.acls, tx.facts)) continue;
    if (line.value == 0) return;
    const int tos = static_cast<int>(line.value);
    auto& socket = conn.stream.socket();
    // IPv4 packets (a v4-mapped peer on a dual-stack socket too) take IP_TOS. The
    // socket's own address decides: behind a PROXY header the client's may differ.
    boost::system::error_code ec;
    const bool v4 = normalize_address(socket.local_endpoint(ec).address()).is_v4();
    ::setsockopt(socket.native_handle(), v4 ? IPPROTO_IP : IPPROTO_IPV6, v4 ? IP_TOS : IPV6_TCLASS, &tos, sizeof tos);
    return;
  }
}

awaitable<StepResult> mark_client(ClientConnection& conn, Transaction& tx) {
  mark_client_connection(conn, tx);
  co_return kNextStep;
}

}  // namespace cuttle
