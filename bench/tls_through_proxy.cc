// Load client for bench/ssl_bump.sh: TLS connections through a proxy's CONNECT.
// Each of --connections clients loops until --seconds pass: CONNECT NAME:PORT,
// read the 200, complete a TLS handshake with SNI NAME (certificates are not
// verified: the benchmark measures speed, the tests check certificates), then
// send --requests GETs on that connection (0: none; handshakes alone) and
// read each reply whole, then close. NAME is bench0.bench.test when --names is 1,
// else a name never used before (run<PID>-<N>.bench.test, N counting up), so a
// bumping proxy makes a certificate for every handshake, in every run.
//
//   tls_through_proxy --proxy-port P --origin-port O [--connections 20]
//       [--seconds 10] [--requests 0] [--names 1|unique] [--path /obj]
//
// Prints one line: "handshakes=H requests=R errors=E seconds=S".
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>

#include <unistd.h>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

struct Options {
  unsigned short proxy_port = 0;
  unsigned short origin_port = 0;
  int connections = 20;
  int seconds = 10;
  int requests = 0;
  bool unique_names = false;
  std::string path = "/obj";
};

struct Counts {
  long handshakes = 0;
  long requests = 0;
  long errors = 0;
  long next_name = 0;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--proxy-port") o.proxy_port = static_cast<unsigned short>(std::stoi(value));
    else if (flag == "--origin-port") o.origin_port = static_cast<unsigned short>(std::stoi(value));
    else if (flag == "--connections") o.connections = std::stoi(value);
    else if (flag == "--seconds") o.seconds = std::stoi(value);
    else if (flag == "--requests") o.requests = std::stoi(value);
    else if (flag == "--names") o.unique_names = value == "unique";
    else if (flag == "--path") o.path = value;
    else throw std::runtime_error("unknown option " + flag);
  }
  if (!o.proxy_port || !o.origin_port) throw std::runtime_error("--proxy-port and --origin-port are required");
  return o;
}

// CONNECT through the proxy, then the TLS handshake; throws on any failure.
asio::awaitable<void> open_tunnel(beast::ssl_stream<beast::tcp_stream>& tls, const Options& o,
                                  const std::string& name) {
  auto& tcp_stream = beast::get_lowest_layer(tls);
  tcp_stream.expires_after(std::chrono::seconds(10));
  co_await tcp_stream.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), o.proxy_port),
                                    asio::use_awaitable);
  const std::string authority = name + ":" + std::to_string(o.origin_port);
  http::request<http::empty_body> connect{http::verb::connect, authority, 11};
  connect.set(http::field::host, authority);
  co_await http::async_write(tcp_stream, connect, asio::use_awaitable);
  beast::flat_buffer buffer;
  http::response_parser<http::empty_body> parser;
  parser.skip(true);  // a CONNECT's 200 has no body
  co_await http::async_read_header(tcp_stream, buffer, parser, asio::use_awaitable);
  if (parser.get().result() != http::status::ok) throw std::runtime_error("CONNECT refused");
  if (!SSL_set_tlsext_host_name(tls.native_handle(), name.c_str())) throw std::runtime_error("SNI");
  co_await tls.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
}

asio::awaitable<void> fetch(beast::ssl_stream<beast::tcp_stream>& tls, const Options& o, const std::string& name,
                            beast::flat_buffer& buffer) {
  beast::get_lowest_layer(tls).expires_after(std::chrono::seconds(10));  // per request, not per connection
  http::request<http::empty_body> get{http::verb::get, o.path, 11};
  get.set(http::field::host, name + ":" + std::to_string(o.origin_port));
  co_await http::async_write(tls, get, asio::use_awaitable);
  http::response<http::string_body> reply;
  co_await http::async_read(tls, buffer, reply, asio::use_awaitable);
  if (reply.result() != http::status::ok) throw std::runtime_error("status " + std::to_string(reply.result_int()));
}

asio::awaitable<void> client(asio::ssl::context& ctx, const Options& o, Counts& counts,
                             std::chrono::steady_clock::time_point deadline) {
  auto executor = co_await asio::this_coro::executor;
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string name = o.unique_names ? "run" + std::to_string(::getpid()) + "-" +
                                                  std::to_string(++counts.next_name) + ".bench.test"
                                            : "bench0.bench.test";
    beast::ssl_stream<beast::tcp_stream> tls(executor, ctx);
    try {
      co_await open_tunnel(tls, o, name);
      ++counts.handshakes;
      beast::flat_buffer buffer;
      for (int r = 0; r < o.requests && std::chrono::steady_clock::now() < deadline; ++r) {
        co_await fetch(tls, o, name, buffer);
        ++counts.requests;
      }
    } catch (const std::exception&) {
      ++counts.errors;
    }
    beast::error_code ignored;
    beast::get_lowest_layer(tls).socket().close(ignored);
  }
}

}  // namespace

int main(int argc, char** argv) try {
  const Options o = parse(argc, argv);
  asio::io_context io;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.set_verify_mode(asio::ssl::verify_none);
  // A new session each time: resumption would skip the work being measured.
  SSL_CTX_set_session_cache_mode(ctx.native_handle(), SSL_SESS_CACHE_OFF);
  SSL_CTX_set_options(ctx.native_handle(), SSL_OP_NO_TICKET);
  Counts counts;
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + std::chrono::seconds(o.seconds);
  for (int i = 0; i < o.connections; ++i) asio::co_spawn(io, client(ctx, o, counts, deadline), asio::detached);
  io.run();
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "handshakes=" << counts.handshakes << " requests=" << counts.requests << " errors=" << counts.errors
            << " seconds=" << took << std::endl;
  return 0;
} catch (const std::exception& e) {
  std::cerr << "tls_through_proxy: " << e.what() << std::endl;
  return 2;
}
