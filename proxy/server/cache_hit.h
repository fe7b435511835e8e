// Finding a fresh stored reply for a request and sending it: the stored header
// with Age and this cache's Via/X-Cache/Cache-Status, then the body chunk by
// chunk, each checked against its SHA-256 before a byte of it is sent.
#pragma once

#include "proxy/cache/freshness.h"
#include "proxy/server/forwarder.h"
#include "store/object_store.h"

#include <optional>
#include <string>

namespace cuttle {

struct StoredReply {
  std::string key;  // the variant's key when the URL varies
  store::ObjectRecord record;
  http::response<http::empty_body> header;  // the stored header (a message, for keep_alive())
  FreshnessDecision freshness;
};

// The stored reply for `url` as this request selects it (Vary), with its
// freshness now; nothing when none is stored or its record is unreadable.
std::optional<StoredReply> find_stored_reply(const store::ObjectStore& store, const std::string& url,
                                             const http::fields& request, const RefreshPattern& pattern,
                                             Clock::time_point now);

struct HitOutcome {
  bool swap_failed = false;  // the body is damaged or gone and nothing was sent
  bool aborted = false;      // cut short after the header went out: connection must close
  bool damaged = false;      // a chunk was missing or failed its check: drop the object
  unsigned status = 0;
  uint64_t reply_bytes = 0;
  std::string content_type;
};

awaitable<HitOutcome> serve_stored_reply(ClientSide& client, const store::ObjectStore& store, StoredReply& reply,
                                         bool head, bool keep_alive, const ActiveConfig& active, uint16_t port);

}  // namespace cuttle
