// The client's connection as a byte stream: plain TCP, or TLS once an https_port
// accepted it or ssl_bump chose to decrypt it. Everything that reads from or
// writes to a client goes through this one type, so a decrypted connection's
// requests take the same pipeline as plain ones.
#pragma once

#include "proxy/server/asio_types.h"
#include "proxy/server/type_erased_io.h"

#include <chrono>
#include <memory>

namespace cuttle {

class ClientStream : public TypeErasedStream<ClientStream> {
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

 private:
  // Reads and writes (TypeErasedStream): Beast's composed operations call them
  // with a new handler type at every call site, and instantiating the TLS
  // stream's machinery for each made the files that use a ClientStream the
  // slowest of the build (minutes under AddressSanitizer).
  friend class TypeErasedStream<ClientStream>;
  void start_read(BufferList<asio::mutable_buffer>::View buffers, IoHandler handler);
  void start_write(BufferList<asio::const_buffer>::View buffers, IoHandler handler);

  TcpStream tcp_;
  std::unique_ptr<beast::ssl_stream<TcpStream&>> tls_;
};

}  // namespace cuttle
