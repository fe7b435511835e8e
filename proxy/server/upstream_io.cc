#include "proxy/server/upstream_io.h"

namespace cuttle {

void UpstreamIo::start_read(BufferList<asio::mutable_buffer>::View buffers, IoHandler handler) {
  auto bound = on_executor(get_executor(), std::move(handler));
  std::visit([&](auto& stream) { stream.async_read_some(buffers, std::move(bound)); }, connection_.stream);
}

void UpstreamIo::start_write(BufferList<asio::const_buffer>::View buffers, IoHandler handler) {
  auto bound = on_executor(get_executor(), std::move(handler));
  std::visit([&](auto& stream) { stream.async_write_some(buffers, std::move(bound)); }, connection_.stream);
}

}  // namespace cuttle
