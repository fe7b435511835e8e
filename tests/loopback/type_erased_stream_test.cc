// The proxy's type-erased streams (ClientStream, UpstreamIo) over real TCP
// connections: a long buffer sequence arrives whole and in order although one
// write takes at most BufferList::kCapacity buffers, and the TCP layer's timeout
// still ends a read that waits on a silent peer.
#include "proxy/server/client_stream.h"
#include "proxy/server/upstream_io.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cuttle {
namespace type_erased_stream_test {

struct ConnectedPair {
  tcp::socket near;
  tcp::socket far;
};

ConnectedPair connect_pair(asio::io_context& io) {
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  tcp::socket near(io);
  near.connect(acceptor.local_endpoint());
  tcp::socket far = acceptor.accept();
  return {std::move(near), std::move(far)};
}

// Forty pieces "00".."39": more than one write may take.
std::vector<std::string> numbered_pieces() {
  std::vector<std::string> pieces;
  for (int i = 0; i < 40; ++i) pieces.push_back((i < 10 ? "0" : "") + std::to_string(i));
  return pieces;
}

std::vector<asio::const_buffer> buffers_of(const std::vector<std::string>& pieces) {
  std::vector<asio::const_buffer> buffers;
  for (const auto& piece : pieces) {
    buffers.push_back(asio::buffer(piece));
    buffers.push_back(asio::const_buffer());  // empty ones are skipped, not counted
  }
  return buffers;
}

std::string joined(const std::vector<std::string>& pieces) {
  std::string all;
  for (const auto& piece : pieces) all += piece;
  return all;
}

// Writes the pieces through `stream`, reads them at the far end.
template <class Stream>
std::string written_through(asio::io_context& io, Stream& stream, tcp::socket& far) {
  const auto pieces = numbered_pieces();
  std::string received(joined(pieces).size(), '\0');
  size_t written = 0;
  asio::co_spawn(io, [&]() -> awaitable<void> {
    auto [ec, n] = co_await asio::async_write(stream, buffers_of(pieces), use_nothrow);
    EXPECT_FALSE(ec) << ec.message();
    written = n;
  }, asio::detached);
  asio::async_read(far, asio::buffer(received), [](error_code, size_t) {});
  io.run();
  EXPECT_EQ(written, received.size());
  return received;
}

TEST(TypeErasedStream, AClientStreamWritesALongBufferSequenceWholeAndInOrder) {
  asio::io_context io;
  auto [near, far] = connect_pair(io);
  ClientStream stream(std::move(near));
  EXPECT_EQ(written_through(io, stream, far), joined(numbered_pieces()));
}

TEST(TypeErasedStream, AnUpstreamStreamWritesALongBufferSequenceWholeAndInOrder) {
  asio::io_context io;
  auto [near, far] = connect_pair(io);
  UpstreamConnection connection{TcpStream(std::move(near))};
  UpstreamIo stream(connection);
  EXPECT_EQ(written_through(io, stream, far), joined(numbered_pieces()));
}

TEST(TypeErasedStream, ATimeoutOnTheTcpLayerEndsAReadFromASilentPeer) {
  asio::io_context io;
  auto [near, far] = connect_pair(io);
  ClientStream stream(std::move(near));
  error_code result;
  asio::co_spawn(io, [&]() -> awaitable<void> {
    char byte;
    stream.expires_after(std::chrono::milliseconds(100));
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(&byte, 1), use_nothrow);
    result = ec;
  }, asio::detached);
  io.run_for(std::chrono::seconds(5));
  EXPECT_EQ(result, beast::error::timeout);
}

TEST(TypeErasedStream, GatherKeepsTheFirstBuffersUpToItsCapacity) {
  std::vector<char> bytes(100, 'x');
  std::vector<asio::mutable_buffer> many(BufferList<asio::mutable_buffer>::kCapacity + 4,
                                         asio::buffer(bytes.data(), 3));
  BufferList<asio::mutable_buffer> list;
  const auto view = list.gather(many);
  EXPECT_EQ(view.size(), BufferList<asio::mutable_buffer>::kCapacity);
  EXPECT_EQ(asio::buffer_size(view), 3 * BufferList<asio::mutable_buffer>::kCapacity);
}

}  // namespace type_erased_stream_test
}  // namespace cuttle
