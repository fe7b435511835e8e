#include "proxy/server/client_stream.h"

namespace cuttle {
namespace {

// How long a closing connection waits for the client's close_notify in return.
constexpr auto kCloseNotifyWait = std::chrono::seconds(1);

}  // namespace

awaitable<error_code> ClientStream::accept_tls(asio::ssl::context& context, asio::const_buffer already_read,
                                               std::chrono::steady_clock::duration timeout) {
  tls_ = std::make_unique<beast::ssl_stream<TcpStream&>>(tcp_, context);
  tcp_.expires_after(timeout);
  auto [ec, used] = co_await tls_->async_handshake(asio::ssl::stream_base::server, already_read, use_nothrow);
  co_return ec;
}

void ClientStream::start_read(BufferList<asio::mutable_buffer>::View buffers, IoHandler handler) {
  auto bound = on_executor(tcp_.get_executor(), std::move(handler));
  if (tls_) tls_->async_read_some(buffers, std::move(bound));
  else tcp_.async_read_some(buffers, std::move(bound));
}

void ClientStream::start_write(BufferList<asio::const_buffer>::View buffers, IoHandler handler) {
  auto bound = on_executor(tcp_.get_executor(), std::move(handler));
  if (tls_) tls_->async_write_some(buffers, std::move(bound));
  else tcp_.async_write_some(buffers, std::move(bound));
}

awaitable<void> ClientStream::close_gracefully() {
  error_code ignored;
  if (tls_ && tcp_.socket().is_open()) {
    tcp_.expires_after(kCloseNotifyWait);
    std::tie(ignored) = co_await tls_->async_shutdown(use_nothrow);
  }
  tcp_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  tcp_.socket().close(ignored);
}

}  // namespace cuttle
