// Sends a hit's bytes: the header and framing text, and body pieces straight
// from the cache's memory. A piece goes to the socket with a non-blocking send
// while the cache keeps it mapped; only what the socket does not take at once is
// copied, into a buffer the connection keeps for its life, and written
// asynchronously before anything after it. A 1 KiB or 16 KiB hit is thus one
// send(2) with no copy of the body in user space; a large one copies at most what
// the socket buffer cannot hold yet. To a TLS client everything is copied, then
// written through its TLS layer.
#pragma once

#include "proxy/server/forwarder.h"
#include "store/object_cache.h"

#include <chrono>
#include <string>
#include <string_view>

namespace cuttle {

class ReplySender {
 public:
  ReplySender(ClientSide& client, std::string& spill, std::chrono::milliseconds timeout);

  // Text that goes out with the next body bytes (or at the end).
  void add_text(std::string_view text) { pending_ += text; }

  // Sends what is pending and stored bytes [offset, offset + length) of the body.
  // Result::Damaged: a chunk was missing or failed its check, nothing of it was sent.
  enum class Result { Sent, Damaged, ClientGone };
  awaitable<Result> send_stored(const store::ObjectCache& store, const store::ObjectRecord& record, uint64_t offset,
                                uint64_t length);

  // Sends whatever is still pending; true when nothing is left to wait for
  // (otherwise co_await drain()). Not a coroutine, as drain() is only called when
  // needed: each coroutine call allocates a frame, and a small hit needs none.
  bool finish_without_waiting();
  awaitable<bool> drain();

  uint64_t bytes_sent() const { return sent_; }

 private:
  // Without waiting: as much of pending text + piece as the socket takes now; the
  // rest is kept in spill_ (which is empty here: drain() ran first).
  void send_or_keep(std::string_view piece);

  ClientSide& client_;
  std::string& spill_;
  std::chrono::milliseconds timeout_;
  std::string pending_;
  uint64_t sent_ = 0;
};

}  // namespace cuttle
