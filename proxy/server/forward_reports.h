// What an exchange with the next hop tells the rest of the proxy, whoever made it
// (a client's request, a revalidation, a background refresh): peer health (a
// failed connect marks the peer dead), the per-peer metrics, and ICP's failure
// ratio (HIT-only mode).
#pragma once

#include "proxy/server/forwarder.h"
#include "proxy/server/runtime.h"

namespace cuttle {

// One attempt at one hop.
void report_hop_attempt(ProxyRuntime& runtime, const ForwardPlan& plan, const ForwardOutcome& outcome);
// The request's last attempt: whether forwarding it failed (Squid's checkFailureRatio).
void report_forwarding_result(ProxyRuntime& runtime, const ForwardOutcome& outcome);

}  // namespace cuttle
