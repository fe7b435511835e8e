// The client's connection as a byte stream: plain TCP, or TLS once an https_port
// accepted it or ssl_bump chose to decrypt it. Everything that reads from or
// writes to a client goes through this one type, so a decrypted connection's
// requests take the same pipeline as plain ones.
#pragma once

#include "proxy/server/asio_types.h"

#include <chrono>
#include <memory>

namespace cuttle {

class ClientStream {
 public:
  using executor_type = TcpStream::executor_type;

  explicit ClientStream(tcp::socket socket) : tcp_(std::move(socket)) {}
  // The TLS layer refers to tcp_: the object stays where it was made.
  ClientStream(const ClientStream&) = delete;
  ClientStream& operator=(const ClientStream&) = delete;

  executor_type get_executor() noexcept { return tcp_.get_executor(); }
  tcp::socket& socket() { return tcp_.socket(); }
  // The TCP layer under any TLS: its timeouts bound every read and write.
  TcpStream& tcp_layer() { return tcp_; }
  void expires_after(std::chrono::steady_clock::duration timeout) { tcp_.expires_after(timeout); }
  void expires_never() { tcp_.expires_never(); }

  bool encrypted() const { return tls_ != nullptr; }
  // The TLS session once accept_tls() began; null on a plain connection.
  SSL* tls_session() { return tls_ ? tls_->native_handle() : nullptr; }

  // Becomes the TLS server of this connection: `already_read` holds bytes the
  // client sent that were read before (a ClientHello that was peeked at).
  // The handshake is bounded by `timeout`.
  awaitable<error_code> accept_tls(asio::ssl::context& context, asio::const_buffer already_read,
                                   std::chrono::steady_clock::duration timeout);

  // Ends the connection: a TLS close_notify first (clients reading to the end
  // of the stream tell a complete reply from a cut one by it), then the socket.
  awaitable<void> close_gracefully();

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return asio::async_initiate<Token, void(error_code, std::size_t)>(
        [this](auto handler, const MutableBuffers& b) {
          if (tls_) tls_->async_read_some(b, std::move(handler));
          else tcp_.async_read_some(b, std::move(handler));
        },
        token, buffers);
  }

  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return asio::async_initiate<Token, void(error_code, std::size_t)>(
        [this](auto handler, const ConstBuffers& b) {
          if (tls_) tls_->async_write_some(b, std::move(handler));
          else tcp_.async_write_some(b, std::move(handler));
        },
        token, buffers);
  }

 private:
  TcpStream tcp_;
  std::unique_ptr<beast::ssl_stream<TcpStream&>> tls_;
};

}  // namespace cuttle
