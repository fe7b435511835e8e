// What type-erased stream operations take: one completion handler type and one
// buffer sequence type, whatever the caller's (ClientStream, UpstreamStream).
#pragma once

#include "proxy/server/asio_types.h"

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/bind_executor.hpp>

#include <array>
#include <span>

namespace cuttle {

using IoSignature = void(error_code, std::size_t);
using IoHandler = asio::any_completion_handler<IoSignature>;

// The handler completes on the stream's executor. Boost 1.81's
// any_completion_executor cannot be required to be blocking.never, which Beast's
// tcp_stream asks of a handler's executor; every caller's executor is its
// worker's single-threaded io_context, the stream's own.
template <class Executor>
auto on_executor(const Executor& executor, IoHandler handler) {
  return asio::bind_executor(executor, std::move(handler));
}

// Up to kCapacity buffers of a caller's sequence. A read or write may transfer
// fewer bytes than offered, so a longer sequence is cut, not refused; Beast's
// serializers offer a handful (header, chunk framing, body).
template <class Buffer>
class BufferList {
 public:
  static constexpr size_t kCapacity = 16;
  using View = std::span<const Buffer>;

  template <class Sequence>
  View gather(const Sequence& sequence) {
    size_t count = 0;
    for (auto it = asio::buffer_sequence_begin(sequence); it != asio::buffer_sequence_end(sequence); ++it) {
      if (count == kCapacity) break;
      const Buffer buffer(*it);
      if (buffer.size() != 0) buffers_[count++] = buffer;
    }
    return View(buffers_.data(), count);
  }

 private:
  std::array<Buffer, kCapacity> buffers_;
};

// Asio's async_read_some/async_write_some for a stream whose operations are
// type-erased: Derived provides start_read(View, IoHandler) and
// start_write(View, IoHandler), compiled once, in its .cc file. The buffers of
// the one read and the one write in progress live here (a stream has at most
// one of each outstanding).
template <class Derived>
class TypeErasedStream {
 public:
  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return asio::async_initiate<Token, IoSignature>(
        [this](IoHandler handler, const MutableBuffers& b) {
          derived().start_read(read_buffers_.gather(b), std::move(handler));
        },
        token, buffers);
  }

  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return asio::async_initiate<Token, IoSignature>(
        [this](IoHandler handler, const ConstBuffers& b) {
          derived().start_write(write_buffers_.gather(b), std::move(handler));
        },
        token, buffers);
  }

 private:
  Derived& derived() { return static_cast<Derived&>(*this); }

  BufferList<asio::mutable_buffer> read_buffers_;
  BufferList<asio::const_buffer> write_buffers_;
};

}  // namespace cuttle
