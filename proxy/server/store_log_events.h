// What cache_store_log says about the store's events and about replies that
// were never stored, in Squid's terms: a stored object is SWAPOUT, one that
// leaves the store (replaced, purged, evicted) and every reply that was fetched
// or made but not kept is RELEASE, as squid 5.7 logs them.
#pragma once

#include "proxy/cache/store_log_reply.h"
#include "proxy/log/access_log_line.h"
#include "proxy/log/store_log.h"
#include "proxy/log/store_log_line.h"
#include "store/object_store.h"
#include "store/store_event.h"

#include <string>
#include <string_view>

namespace cuttle {

// A store event as its line: `dir` is the cache_dir's index (-1: the memory cache).
// Evicted objects show no reply ("?"), as Squid's, which no longer holds them;
// an object replaced after its revalidation was made private first, so its
// key is a private one.
StoreLogRecord store_log_record(const store::StoreEvent& event, int dir);

// What a store's events go to: `log`'s lines for directory `dir`. The memory
// cache (dir -1) never swaps out, so only its releases are logged, as Squid's.
void attach_store_log(store::StoreOptions& options, StoreLog& log, int dir);

// The RELEASE line of a reply that was not stored, from what access.log has of
// it; `server_head`: the reply Squid's entry held instead of the one sent (a
// server's 304), if any.
StoreLogRecord private_release_record(const AccessLogEntry& entry, std::string_view server_head = {});

// Whether a finished transaction's reply got a (private) store entry in Squid
// that it then released: every reply fetched or made here except hits served
// from the store and tunnels.
bool releases_private_entry(const AccessLogEntry& entry);

}  // namespace cuttle
