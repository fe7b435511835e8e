// Peer selection's shell: gathers what proxy/peers/peer_selection.h needs for one
// request (ACL verdicts, peer health, CARP order, ICP replies) and turns its
// ordered candidates into ForwardPlans for the forwarder to try in turn.
#pragma once

#include "proxy/config/acl/access_rules.h"
#include "proxy/http/request_target.h"
#include "proxy/server/forwarder.h"
#include "proxy/server/worker_services.h"

#include <vector>

namespace cuttle {

// The next hops for a forward-proxy request, best first; empty when none may take
// it (never_direct with every parent down or denied). Sends ICP queries and waits
// for their replies (bounded by the ICP timeout) when peers are to be asked.
awaitable<std::vector<ForwardPlan>> choose_next_hops(const ActiveConfig& active, const RequestTarget& target,
                                                     const http::request_header<>& request, const RequestFacts& facts,
                                                     WorkerServices& services);

}  // namespace cuttle
