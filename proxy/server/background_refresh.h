// stale-while-revalidate (RFC 5861 §3): the client already has the stale copy;
// a detached fetch on the same worker asks the next hop with the stored
// validators, through the same upstream exchange as every forwarded request
// (peer credentials, max-conn slot, proxy-only, Via, X-Forwarded-For, peer
// health), and freshens (304) or replaces (200) the stored object. One such
// refresh per URL at a time, across workers.
#pragma once

#include "proxy/server/cache_hit.h"
#include "proxy/server/forwarder.h"
#include "proxy/server/worker_services.h"

#include <memory>
#include <string>

namespace cuttle {

// `request`: the client's request header (Vary selection, Accept-*, ...);
// `facts`: the client's request as the ACLs saw it (header rules, X-Forwarded-For),
// as for the client's own request. Returns at once.
void start_background_refresh(const asio::any_io_executor& executor, WorkerServices& worker,
                              std::shared_ptr<const ActiveConfig> active, std::string url, const ForwardPlan& plan,
                              const http::request_header<>& request, RequestFacts facts, StoredReply stored,
                              const RefreshPattern& pattern);

}  // namespace cuttle
