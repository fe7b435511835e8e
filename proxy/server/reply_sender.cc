#include "proxy/server/reply_sender.h"

#include <array>

namespace cuttle {

ReplySender::ReplySender(ClientSide& client, std::string& spill, std::chrono::milliseconds timeout)
    : client_(client), spill_(spill), timeout_(timeout) {
  spill_.clear();
}

awaitable<ReplySender::Result> ReplySender::send_stored(const store::ObjectCache& store,
                                                        const store::ObjectRecord& record, uint64_t offset,
                                                        uint64_t length) {
  const uint64_t chunk_size = store.chunk_size();
  while (length > 0) {
    if (!spill_.empty() && !co_await drain()) co_return Result::ClientGone;
    const auto index = static_cast<uint32_t>(offset / chunk_size);
    const uint64_t within = offset - uint64_t(index) * chunk_size;
    uint64_t taken = 0;
    bool found = index < record.chunk_count && store.visit_chunk(record.object_id, index, [&](std::string_view chunk) {
      if (within >= chunk.size()) return;
      auto piece = chunk.substr(within, std::min<uint64_t>(length, chunk.size() - within));
      send_or_keep(piece);
      taken = piece.size();
    });
    if (!found || taken == 0) co_return Result::Damaged;  // shorter than the record says counts as damage
    offset += taken;
    length -= taken;
  }
  co_return Result::Sent;
}

bool ReplySender::finish_without_waiting() {
  if (!pending_.empty()) send_or_keep({});
  return spill_.empty();
}

awaitable<bool> ReplySender::drain() {
  if (spill_.empty()) co_return true;
  client_.stream.expires_after(timeout_);
  auto [ec, n] = co_await asio::async_write(client_.stream, asio::buffer(spill_), use_nothrow);
  sent_ += n;
  spill_.clear();
  co_return !ec;
}

void ReplySender::send_or_keep(std::string_view piece) {
  auto& socket = client_.stream.socket();
  error_code ec;
  // Bytes to a TLS client must be encrypted first: all of it waits for drain().
  if (client_.stream.encrypted()) ec = asio::error::would_block;
  else if (!socket.non_blocking()) socket.non_blocking(true, ec);
  std::array<asio::const_buffer, 2> buffers{asio::buffer(pending_), asio::buffer(piece.data(), piece.size())};
  size_t n = ec ? 0 : socket.send(buffers, 0, ec);
  if (ec && ec != asio::error::would_block && ec != asio::error::try_again) n = 0;  // drain() reports it
  sent_ += n;
  if (n < pending_.size()) {
    spill_.assign(pending_, n);
    spill_.append(piece);
  } else {
    spill_.assign(piece.substr(n - pending_.size()));
  }
  pending_.clear();
}

}  // namespace cuttle
