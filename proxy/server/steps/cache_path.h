// The cache step's parts (use_cache.cc decides; serve_hit.cc and revalidate.cc
// carry out a hit and a revalidation). The policy is proxy/cache/'s.
#pragma once

#include "proxy/cache/cache_use.h"
#include "proxy/cache/refresh_pattern.h"
#include "proxy/server/cache_hit.h"
#include "proxy/server/client_connection.h"
#include "proxy/server/transaction.h"
#include "store/object_cache.h"

#include <optional>
#include <string>

namespace cuttle {

// What the cache path of one GET/HEAD works with.
struct CacheRequest {
  store::ObjectCache& store;
  // tx.entry.url as the request came: a copy, as logging may strip its query
  // while this request's fill or revalidation still needs the whole URL.
  std::string url;
  const RefreshPattern& pattern;
  Seconds negative_ttl;
  ClientDirectives client;
};

std::optional<StoredState> state_of(const std::optional<StoredReply>& stored);
ResultCode hit_code(const StoredReply& stored, bool from_memory);

// Sends a stored reply as `request` asks for it (304, ranges) and logs it as
// `result`; the keep-alive verdict, or nothing when its body turned out damaged
// (nothing was sent). `for_this_client`: fields that replace the stored ones in
// this reply only (a revalidating 304's Set-Cookie).
awaitable<std::optional<bool>> serve_hit(ClientConnection& conn, store::ObjectCache& store, StoredReply& stored,
                                         const http::request<http::empty_body>& request, Transaction& tx,
                                         ResultCode result, const http::fields* for_this_client = nullptr);
// After waiting for another request's fetch of the same URL (collapsed
// forwarding): its reply served, if that one is now a fresh hit.
awaitable<std::optional<bool>> serve_if_now_fresh(ClientConnection& conn, const CacheRequest& cache, Transaction& tx);
// Asks the next hop whether `stored` is still current (`pin` keeps its body for
// a 304), then answers from the refreshed copy or relays the new reply.
awaitable<bool> revalidate(ClientConnection& conn, const CacheRequest& cache, Transaction& tx, ForwardPlan plan,
                           StoredReply stored, store::ObjectCache::Pin pin);
// The next hop for a request the cache sends upstream, with Squid's X-Cache-Lookup.
awaitable<std::optional<ForwardPlan>> cache_next_hop(ClientConnection& conn, Transaction& tx);

}  // namespace cuttle
