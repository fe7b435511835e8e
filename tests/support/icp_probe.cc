#include "tests/support/icp_probe.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include <thread>

namespace cuttle::testing {

namespace asio = boost::asio;
using udp = asio::ip::udp;

std::optional<std::vector<uint8_t>> icp_exchange(unsigned short port, const std::vector<uint8_t>& datagram,
                                                 std::chrono::milliseconds timeout, const std::string& from_address) {
  asio::io_context ioc;
  udp::socket socket(ioc, udp::endpoint(asio::ip::make_address(from_address), 0));
  socket.non_blocking(true);
  udp::endpoint to(asio::ip::make_address("127.0.0.1"), port);
  boost::system::error_code ec;
  socket.send_to(asio::buffer(datagram), to, 0, ec);
  if (ec) return std::nullopt;
  std::vector<uint8_t> buf(icp::kMaxMessageSize + 1);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    udp::endpoint from;
    size_t n = socket.receive_from(asio::buffer(buf), from, 0, ec);
    if (!ec && from == to) {
      buf.resize(n);
      return buf;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return std::nullopt;
}

std::vector<uint8_t> icp_query(const std::string& url, uint32_t request_number, uint8_t version) {
  icp::Message m;
  m.opcode = icp::Opcode::Query;
  m.version = version;
  m.request_number = request_number;
  m.url = url;
  return icp::encode(m);
}

std::optional<icp::Opcode> icp_ask(unsigned short port, const std::string& url, uint32_t request_number,
                                   const std::string& from_address) {
  auto reply = icp_exchange(port, icp_query(url, request_number), std::chrono::milliseconds(500), from_address);
  if (!reply) return std::nullopt;
  auto d = icp::decode(*reply);
  if (!d.ok() || d.message.request_number != request_number || d.message.url != url) return std::nullopt;
  return d.message.opcode;
}

std::optional<icp::Opcode> ask_until(unsigned short icp_port, const std::string& url, icp::Opcode want) {
  std::optional<icp::Opcode> got;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  for (uint32_t n = 1; std::chrono::steady_clock::now() < deadline; ++n) {
    got = icp_ask(icp_port, url, n);
    if (got == want) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return got;
}

}  // namespace cuttle::testing
