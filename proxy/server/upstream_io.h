// A connection to the next hop seen as one byte stream, plain TCP or TLS alike,
// so the code that speaks HTTP over it is compiled once, not once per stream
// type (the TLS variant's instantiations were most of the forwarder's build time).
#pragma once

#include "proxy/server/asio_types.h"
#include "proxy/server/type_erased_io.h"
#include "proxy/server/upstream.h"

namespace cuttle {

class UpstreamIo : public TypeErasedStream<UpstreamIo> {
 public:
  using executor_type = TcpStream::executor_type;

  explicit UpstreamIo(UpstreamConnection& connection) : connection_(connection) {}
  UpstreamIo(const UpstreamIo&) = delete;
  UpstreamIo& operator=(const UpstreamIo&) = delete;

  executor_type get_executor() noexcept { return tcp_layer().get_executor(); }
  // The TCP layer under any TLS: its timeouts bound every read and write.
  TcpStream& tcp_layer() { return connection_.tcp(); }

 private:
  friend class TypeErasedStream<UpstreamIo>;
  void start_read(BufferList<asio::mutable_buffer>::View buffers, IoHandler handler);
  void start_write(BufferList<asio::const_buffer>::View buffers, IoHandler handler);

  UpstreamConnection& connection_;
};

}  // namespace cuttle
