// Finding a stored reply for a request and sending it: the stored header with Age
// and this cache's Via/X-Cache/Cache-Status, then the body (whole, or the byte
// ranges asked for) chunk by chunk from the store's mapping, each checked against
// its SHA-256 (once per process) before a byte of it is sent. A 304 when the client's own copy is still current.
#pragma once

#include "proxy/cache/freshness.h"
#include "proxy/http/byte_ranges.h"
#include "proxy/server/forwarder.h"
#include "proxy/server/hit_reply.h"
#include "proxy/server/stored_header.h"
#include "store/object_cache.h"

#include <optional>
#include <string>

namespace cuttle {

struct StoredReply {
  std::string key;  // the variant's key when the URL varies
  store::ObjectRecord record;
  std::shared_ptr<const StoredHeader> parsed;  // the record's header, parsed (shared with this thread's memo)
  FreshnessDecision freshness;

  const http::response<http::empty_body>& header() const { return parsed->message; }
};

// The stored reply for `url` as this request selects it (Vary), with its
// freshness at `now`; nothing when none is stored or its record is unreadable.
std::optional<StoredReply> find_stored_reply(const store::ObjectCache& store, const std::string& url,
                                             const http::fields& request, const RefreshPattern& pattern,
                                             Clock::time_point now, Seconds negative_ttl);

// Freshness of a reply whose record changed (a 304 refreshed it).
void reevaluate_freshness(StoredReply& reply, const RefreshPattern& pattern, Clock::time_point now,
                          Seconds negative_ttl);

// A 304 answered the revalidation of `reply`: if it selects it (RFC 9111 §4.3.4),
// its stored header takes the 304's fields (§3.2) and the exchange's times, and
// is committed under the same object, whose body stays. False: it selected
// nothing, and nothing changed.
bool freshen_stored_reply(store::ObjectCache& store, StoredReply& reply, const http::fields& not_modified,
                          Clock::time_point request_time, Clock::time_point response_time);


// The shape for this request: client conditionals (RFC 9110 §13.2.2), then
// Range/If-Range for a GET of a stored 200. `matched_etag` tells 304s answered
// to If-None-Match (Squid's TCP_INM_HIT) from If-Modified-Since (TCP_IMS_HIT).
HitShape shape_for(const http::request<http::empty_body>& request, const StoredReply& reply, bool* matched_etag);

struct HitOutcome {
  bool swap_failed = false;  // the body is damaged or gone and nothing was sent
  bool aborted = false;      // cut short after the header went out: connection must close
  bool damaged = false;      // a chunk was missing or failed its check: drop the object
  unsigned status = 0;
  uint64_t reply_bytes = 0;
  std::string content_type;
  std::string reply_head;  // the header sent, when a log shows it (Config::logs_reply_head)
};

// `send_buffer` holds what the socket could not take at once; the connection keeps
// it between replies so large hits do not allocate (and fault in) a new one each time.
awaitable<HitOutcome> serve_stored_reply(ClientSide& client, std::string& send_buffer,
                                         const store::ObjectCache& store, StoredReply& reply, const HitShape& shape,
                                         bool keep_alive, const ActiveConfig& active, uint16_t port,
                                         std::function<void(http::response_header<>&)> mangle = {});

}  // namespace cuttle
