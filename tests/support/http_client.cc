#include "tests/support/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>

#include <sys/socket.h>

#include <stdexcept>

namespace cuttle::testing {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

RawConnection::RawConnection(unsigned short port, const std::string& source_address,
                             std::chrono::milliseconds timeout, const std::string& destination)
    : socket_(ioc_) {
  const auto source = asio::ip::make_address(source_address);
  socket_.open(source.is_v6() ? tcp::v6() : tcp::v4());
  socket_.bind({source, 0});
  socket_.connect({asio::ip::make_address(destination), port});
  // Blocking reads give up after `timeout` (EAGAIN surfaces as an error).
  timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
  ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

void RawConnection::send(std::string_view bytes) { asio::write(socket_, asio::buffer(bytes)); }

Response RawConnection::read_response(bool head) {
  http::response_parser<http::string_body> parser;
  parser.body_limit(1ull << 32);
  if (head) parser.skip(true);
  boost::system::error_code ec;
  http::read(socket_, buffer_, parser, ec);
  if (ec) throw std::runtime_error("reading response: " + ec.message());
  return parser.release();
}

std::string RawConnection::read_until_close() {
  std::string out(static_cast<const char*>(buffer_.data().data()), buffer_.size());
  buffer_.consume(buffer_.size());
  char buf[65536];
  for (;;) {
    boost::system::error_code ec;
    auto n = socket_.read_some(asio::buffer(buf), ec);
    out.append(buf, n);
    if (ec) break;
  }
  return out;
}

bool RawConnection::peer_closed() {
  char byte;
  boost::system::error_code ec;
  socket_.read_some(asio::buffer(&byte, 1), ec);
  return ec == asio::error::eof || ec == asio::error::connection_reset;
}

void RawConnection::shutdown_send() { socket_.shutdown(tcp::socket::shutdown_send); }

std::string request_text(const std::string& method, const std::string& url, const std::string& extra) {
  std::string host = url.substr(url.find("://") + 3);
  host = host.substr(0, host.find('/'));
  return method + " " + url + " HTTP/1.1\r\nHost: " + host + "\r\n" + extra + "\r\n";
}

Response proxy_request(unsigned short proxy_port, const std::string& method, const std::string& url,
                       const std::string& body, const std::vector<std::pair<std::string, std::string>>& headers) {
  RawConnection c(proxy_port);
  std::string extra;
  for (const auto& [n, v] : headers) extra += n + ": " + v + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT") extra += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  std::string request = request_text(method, url, extra + "Connection: close\r\n") + body;
  c.send(request);
  return c.read_response(method == "HEAD");
}

}  // namespace cuttle::testing
