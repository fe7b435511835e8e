// Blocking HTTP client pieces for tests: a raw TCP connection (bytes in, bytes
// out, optional source address), and whole request/response helpers through a
// proxy. Every read has a deadline so a hung proxy fails the test, not the run.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace cuttle::testing {

namespace http = boost::beast::http;
using Response = http::response<http::string_body>;

class RawConnection {
 public:
  // Connects from `source_address` to `destination`:port (both IPv4 or both IPv6).
  explicit RawConnection(unsigned short port, const std::string& source_address = "127.0.0.1",
                         std::chrono::milliseconds timeout = std::chrono::seconds(10),
                         const std::string& destination = "127.0.0.1");

  void send(std::string_view bytes);
  // Reads one response (a HEAD response when `head`); throws on error or timeout.
  Response read_response(bool head = false);
  // Everything until the peer closes (or the timeout passes).
  std::string read_until_close();
  bool peer_closed();  // true once the proxy has closed the connection
  void shutdown_send();
  boost::asio::ip::tcp::socket& socket() { return socket_; }
  boost::beast::flat_buffer& buffer() { return buffer_; }

 private:
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

// "METHOD URL HTTP/1.1" with Host from the URL, `extra` header lines (each ending
// in CRLF), and the blank line: a request for a forward proxy, as raw text.
std::string request_text(const std::string& method, const std::string& url, const std::string& extra = "");

// One request through the proxy on `proxy_port` ("GET http://... HTTP/1.1").
Response proxy_request(unsigned short proxy_port, const std::string& method, const std::string& url,
                       const std::string& body = "", const std::vector<std::pair<std::string, std::string>>& headers = {});
inline Response proxy_get(unsigned short proxy_port, const std::string& url) {
  return proxy_request(proxy_port, "GET", url);
}

}  // namespace cuttle::testing
