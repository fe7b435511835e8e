// stale-while-revalidate (RFC 5861 §3): the client already has the stale copy;
// a detached fetch on the same worker asks the origin with the stored
// validators and freshens (304) or replaces (200) the stored object. One such
// refresh per URL at a time, across workers.
#pragma once

#include "proxy/server/cache_hit.h"
#include "proxy/server/forwarder.h"
#include "proxy/server/worker_services.h"

#include <memory>
#include <string>

namespace cuttle {

// `request`: the client's fields (Vary selection, Accept-*, ...). Returns at once.
void start_background_refresh(const asio::any_io_executor& executor, WorkerServices& worker,
                              std::shared_ptr<const ActiveConfig> active, std::string url, const ForwardPlan& plan,
                              http::fields request, StoredReply stored, const RefreshPattern& pattern);

}  // namespace cuttle
