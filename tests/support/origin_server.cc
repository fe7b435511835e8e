#include "tests/support/origin_server.h"

#include "proxy/http/http_date.h"
#include "proxy/server/asio_types.h"
#include "tests/support/temp_dir.h"

#include <boost/asio/steady_timer.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace cuttle::testing {

namespace {

bool iequal(std::string_view a, std::string_view b) { return beast::iequals(a, b); }

}  // namespace

std::string RecordedRequest::header(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (iequal(n, name)) return v;
  return "";
}

bool RecordedRequest::has_header(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (iequal(n, name)) return true;
  return false;
}

// A 4093-byte (prime) pattern: cheap to produce at loopback speed, and any
// misplaced or repeated 64 KiB block shows as a mismatch.
OriginReply fresh_reply_sized_by_path(const RecordedRequest& request) {
  OriginReply reply;
  reply.headers = {{"Cache-Control", "max-age=600"}, {"Date", http_date(std::chrono::system_clock::now())}};
  reply.body = std::string(std::stoul(request.target.substr(request.target.rfind('/') + 1)), 'x');
  return reply;
}

char generated_byte(uint64_t i) { return static_cast<char>('a' + (i % 4093) % 26); }

struct OriginServer::Impl {
  asio::io_context ioc{1};
  std::optional<asio::ssl::context> ssl;
  tcp::acceptor acceptor{ioc};
  std::thread thread;
};

// Grants the session coroutine access to the server's recording state.
struct OriginSessionAccess {
  static OriginReply record(OriginServer& s, RecordedRequest r) {
    OriginServer::Handler handler;
    {
      std::lock_guard lock(s.mutex_);
      s.requests_.push_back(r);
      handler = s.handler_;
    }
    return handler(r);
  }
  static std::atomic<int>& connections(OriginServer& s) { return s.connections_; }
};

namespace {

std::string reply_head(const OriginReply& reply, uint64_t body_size) {
  std::string head = "HTTP/1.1 " + std::to_string(reply.status) + " " +
                     std::string(http::obsolete_reason(static_cast<http::status>(reply.status))) + "\r\n";
  bool has_type = false;
  for (const auto& [n, v] : reply.headers) {
    head += n + ": " + v + "\r\n";
    if (iequal(n, "Content-Type")) has_type = true;
  }
  if (!has_type) head += "Content-Type: text/plain\r\n";
  bool bodiless = reply.status / 100 == 1 || reply.status == 204 || reply.status == 304;
  if (!bodiless) {
    if (reply.chunked) head += "Transfer-Encoding: chunked\r\n";
    else head += "Content-Length: " + std::to_string(body_size) + "\r\n";
  }
  if (reply.close) head += "Connection: close\r\n";
  head += "\r\n";
  return head;
}

template <class Stream>
awaitable<bool> write_all(Stream& stream, std::string_view bytes) {
  auto [ec, n] = co_await asio::async_write(stream, asio::buffer(bytes), use_nothrow);
  co_return !ec;
}

template <class Stream>
awaitable<bool> send_reply(Stream& stream, const OriginReply& reply, bool head_request) {
  uint64_t size = reply.generated_bytes ? reply.generated_bytes : reply.body.size();
  if (!co_await write_all(stream, reply_head(reply, size))) co_return false;
  bool bodiless = head_request || reply.status / 100 == 1 || reply.status == 204 || reply.status == 304;
  if (bodiless) co_return !reply.close;
  auto send_piece = [&](std::string_view piece) -> awaitable<bool> {
    if (piece.empty()) co_return true;
    if (!reply.chunked) co_return co_await write_all(stream, piece);
    char size_line[32];
    std::snprintf(size_line, sizeof size_line, "%zx\r\n", piece.size());
    std::string framed = size_line;
    framed.append(piece).append("\r\n");
    co_return co_await write_all(stream, framed);
  };
  if (reply.generated_bytes) {
    std::string piece;
    for (uint64_t sent = 0; sent < reply.generated_bytes;) {
      uint64_t n = std::min<uint64_t>(64 * 1024, reply.generated_bytes - sent);
      piece.resize(n);
      for (uint64_t i = 0; i < n; ++i) piece[i] = static_cast<char>('a' + ((sent + i) % 4093) % 26);
      if (!co_await send_piece(piece)) co_return false;
      if (reply.pause_after_bytes && sent < reply.pause_after_bytes && sent + n >= reply.pause_after_bytes) {
        asio::steady_timer t(co_await asio::this_coro::executor, reply.pause);
        co_await t.async_wait(use_nothrow);
      }
      sent += n;
    }
  } else if (reply.chunked) {
    // Several chunks, so the relay really has to re-frame.
    size_t third = std::max<size_t>(1, reply.body.size() / 3);
    for (size_t at = 0; at < reply.body.size(); at += third)
      if (!co_await send_piece(std::string_view(reply.body).substr(at, third))) co_return false;
  } else if (!co_await send_piece(reply.body)) {
    co_return false;
  }
  if (reply.chunked && !co_await write_all(stream, "0\r\n\r\n")) co_return false;
  co_return !reply.close;
}

template <class Stream>
awaitable<void> serve(OriginServer& server, Stream& stream, int connection_id) {
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(1ull << 30);
    auto [ec, n] = co_await http::async_read(stream, buffer, parser, use_nothrow);
    if (ec) co_return;
    auto& req = parser.get();
    RecordedRequest r;
    r.method = std::string(req.method_string());
    r.target = std::string(req.target());
    r.version = req.version();
    for (const auto& f : req) r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    r.body = req.body();
    r.connection_id = connection_id;
    error_code peer_error;
    r.peer_address = beast::get_lowest_layer(stream).remote_endpoint(peer_error).address().to_string();
    OriginReply reply;
    try {
      reply = OriginSessionAccess::record(server, std::move(r));
    } catch (const std::exception&) {
      // A failing test handler must not take the whole test binary down: answer
      // 500 so the test sees it.
      reply = OriginReply{};
      reply.status = 500;
      reply.body = "test handler threw";
      reply.close = true;
    }
    if (reply.delay.count() > 0) {
      asio::steady_timer t(co_await asio::this_coro::executor, reply.delay);
      co_await t.async_wait(use_nothrow);
    }
    if (reply.stall) {
      // Hold the connection open, silent, until the peer gives up.
      char byte;
      co_await asio::async_read(stream, asio::buffer(&byte, 1), use_nothrow);
      co_return;
    }
    if (reply.raw) {
      co_await write_all(stream, *reply.raw);
      if (reply.after_raw == OriginReply::AfterRaw::Reset) {
        // SO_LINGER with a zero timeout: close() sends RST, not FIN.
        auto& socket = beast::get_lowest_layer(stream);
        error_code ignored;
        socket.set_option(asio::socket_base::linger(true, 0), ignored);
        socket.close(ignored);
      } else if (reply.after_raw == OriginReply::AfterRaw::Stall) {
        char byte;
        co_await asio::async_read(stream, asio::buffer(&byte, 1), use_nothrow);
      }
      co_return;
    }
    if (!co_await send_reply(stream, reply, req.method() == http::verb::head)) co_return;
    if (!req.keep_alive()) co_return;
  }
}

}  // namespace

OriginServer::OriginServer()
    : OriginServer([](const RecordedRequest&) {
        OriginReply r;
        r.body = "hello from origin";
        return r;
      }) {}

OriginServer::OriginServer(Handler handler) : impl_(std::make_unique<Impl>()), handler_(std::move(handler)) { start(); }

OriginServer::OriginServer(Handler handler, const std::string& address)
    : impl_(std::make_unique<Impl>()), address_(address), handler_(std::move(handler)) {
  start();
}

OriginServer::OriginServer(Handler handler, const std::string& cert_file, const std::string& key_file)
    : OriginServer(std::move(handler), "127.0.0.1", cert_file, key_file) {}

OriginServer::OriginServer(Handler handler, const std::string& address, const std::string& cert_file,
                           const std::string& key_file)
    : impl_(std::make_unique<Impl>()), address_(address), tls_(true), handler_(std::move(handler)) {
  impl_->ssl.emplace(asio::ssl::context::tls_server);
  impl_->ssl->use_certificate_chain_file(cert_file);
  impl_->ssl->use_private_key_file(key_file, asio::ssl::context::pem);
  start();
}

awaitable<void> OriginServer::session(tcp::socket s, int id) {
  if (!impl_->ssl) {
    co_await serve(*this, s, id);
    error_code ignored;
    s.shutdown(tcp::socket::shutdown_send, ignored);
    s.close(ignored);
    ++ended_;
    co_return;
  }
  asio::ssl::stream<tcp::socket> tls(std::move(s), *impl_->ssl);
  auto [hec] = co_await tls.async_handshake(asio::ssl::stream_base::server, use_nothrow);
  if (hec) co_return;
  co_await serve(*this, tls, id);
  co_await tls.async_shutdown(use_nothrow);
  ++ended_;
}

void OriginServer::start() {
  tcp::endpoint endpoint(asio::ip::make_address(address_), 0);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
  port_ = impl_->acceptor.local_endpoint().port();
  // co_spawn keeps these function objects (and their captures) alive for the
  // coroutine's lifetime; calling a capturing lambda coroutine directly would not.
  asio::co_spawn(
      impl_->ioc,
      [this]() -> awaitable<void> {
        for (int id = 1;; ++id) {
          auto [ec, socket] = co_await impl_->acceptor.async_accept(use_nothrow);
          if (ec) co_return;
          ++connections_;
          asio::co_spawn(impl_->ioc, [this, id, s = std::move(socket)]() mutable { return session(std::move(s), id); },
                         asio::detached);
        }
      },
      asio::detached);
  impl_->thread = std::thread([this] { impl_->ioc.run(); });
}

OriginServer::~OriginServer() {
  impl_->ioc.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::string OriginServer::url(std::string_view path) const {
  const bool v6 = address_.find(':') != std::string::npos;
  const auto host = v6 ? "[" + address_ + "]" : address_;
  return std::string(tls_ ? "https" : "http") + "://" + host + ":" + std::to_string(port_) + std::string(path);
}

std::vector<RecordedRequest> OriginServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

void OriginServer::set_handler(Handler handler) {
  std::lock_guard lock(mutex_);
  handler_ = std::move(handler);
}

TestCertificates::TestCertificates() {
  char pattern[] = "/tmp/cuttle-certs-XXXXXX";
  if (!mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  // cuttle runs as user proxy (cache_effective_user) and reads the CA files here.
  std::filesystem::permissions(dir_, std::filesystem::perms::owner_all | std::filesystem::perms::group_read |
                                         std::filesystem::perms::group_exec | std::filesystem::perms::others_read |
                                         std::filesystem::perms::others_exec);
  std::string d = dir_;
  std::string script =
      "set -e; cd " + d +
      "; openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 3650 -subj /CN=cuttle-test-ca"
      " 2>/dev/null"
      "; openssl req -x509 -newkey rsa:2048 -nodes -keyout other-ca.key -out other-ca.pem -days 3650"
      " -subj /CN=cuttle-other-ca 2>/dev/null"
      "; openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=localhost 2>/dev/null"
      "; printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\nbasicConstraints=CA:FALSE\\n' > ext.cnf"
      "; openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 3650"
      " -extfile ext.cnf 2>/dev/null";
  {
    std::ofstream out(d + "/make.sh");
    out << script << "\n";
  }
  if (std::system(("bash " + d + "/make.sh").c_str()) != 0)
    throw std::runtime_error("openssl could not make test certificates in " + d);
}

std::string TestCertificates::client_certificate(const std::string& name, bool by_other_ca) const {
  const std::string ca = by_other_ca ? "other-ca" : "ca";
  const std::string file = dir_ + "/client-" + name + "-" + ca + ".pem";
  if (std::filesystem::exists(file)) return file;
  const std::string script = "set -e; cd " + dir_ +
                             "; openssl req -newkey rsa:2048 -nodes -keyout c.key -out c.csr -subj /CN=" + name +
                             " 2>/dev/null; echo extendedKeyUsage=clientAuth > c.cnf"
                             "; openssl x509 -req -in c.csr -CA " + ca + ".pem -CAkey " + ca +
                             ".key -CAcreateserial -out c.pem -days 3650 -extfile c.cnf 2>/dev/null"
                             "; cat c.pem c.key > " + file;
  if (std::system(("bash -c '" + script + "'").c_str()) != 0)
    throw std::runtime_error("openssl could not make a client certificate in " + dir_);
  return file;
}

void TestCertificates::copy_other_ca_for_bumping(const std::string& cert_path, const std::string& key_path) const {
  std::filesystem::copy_file(other_ca_file(), cert_path);
  std::filesystem::copy_file(dir_ + "/other-ca.key", key_path);
  std::filesystem::permissions(key_path, std::filesystem::perms::owner_read);
}

TestCertificates::~TestCertificates() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

}  // namespace cuttle::testing
