#include "tests/load/load_origin.h"

#include "proxy/server/asio_types.h"

#include <cstdio>
#include <ctime>

namespace cuttle::load {
namespace {

using namespace std::chrono_literals;

// Fixed dates: Last-Modified must not move while the body does not.
constexpr std::time_t kBaseModified = 1'700'000'000;

std::string imf_date(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[64];
  std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return text;
}

std::string_view cache_control_of(ObjectClass c) {
  switch (c) {
    case ObjectClass::Hot:
    case ObjectClass::Miss:
      return "max-age=3600";
    case ObjectClass::Same:
      return "max-age=0";
    case ObjectClass::Changing:
      return "max-age=1";
  }
  return "no-store";
}

struct ByteRange {
  uint64_t first = 0, last = 0;
};

// "bytes=A-B" within `size`; anything else (several ranges, suffixes) is ignored
// and answered whole, as RFC 9110 allows.
std::optional<ByteRange> single_range(std::string_view header, uint64_t size) {
  if (!header.starts_with("bytes=")) return std::nullopt;
  header.remove_prefix(6);
  unsigned long long first = 0, last = 0;
  char extra = 0;
  std::string text(header);
  if (std::sscanf(text.c_str(), "%llu-%llu%c", &first, &last, &extra) != 2) return std::nullopt;
  if (first > last || last >= size) return std::nullopt;
  return ByteRange{first, last};
}

std::string path_of(std::string_view target) {
  // A forwarding proxy may send the absolute form.
  if (target.starts_with("http://")) {
    auto slash = target.find('/', 7);
    target = slash == std::string_view::npos ? "/" : target.substr(slash);
  }
  return std::string(target);
}

}  // namespace

LoadOrigin::LoadOrigin() {
  tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(tcp::acceptor::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
  asio::co_spawn(ioc_, accept_loop(), asio::detached);
  thread_ = std::thread([this] { ioc_.run(); });
}

LoadOrigin::~LoadOrigin() {
  ioc_.stop();
  if (thread_.joinable()) thread_.join();
}

awaitable<void> LoadOrigin::accept_loop() {
  for (;;) {
    auto [ec, socket] = co_await acceptor_.async_accept(use_nothrow);
    if (ec) co_return;
    asio::co_spawn(ioc_, session(std::move(socket)), asio::detached);
  }
}

awaitable<void> LoadOrigin::session(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  std::string out;
  for (;;) {
    http::request_parser<http::empty_body> parser;
    // An idle pooled connection may wait long; a stuck one must not live forever.
    stream.expires_after(120s);
    auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, use_nothrow);
    if (ec) co_return;
    const auto& req = parser.get();
    ++counters_.requests;
    const auto spec = parse_object_path(path_of(req.target()));
    if (!spec) {
      ++counters_.not_found;
      static constexpr std::string_view kNotFound =
          "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nCache-Control: no-store\r\n\r\n";
      stream.expires_after(30s);
      auto [wec, wn] = co_await asio::async_write(stream, asio::buffer(kNotFound), use_nothrow);
      if (wec) co_return;
      continue;
    }
    const std::string path = spec->path();
    const uint64_t version = spec->object_class == ObjectClass::Changing ? version_at(std::chrono::steady_clock::now()) : 0;
    const std::string etag = etag_of(version);
    const std::string modified = imf_date(kBaseModified + static_cast<std::time_t>(version));

    bool not_modified = false;
    if (req.count(http::field::if_none_match)) not_modified = req[http::field::if_none_match] == etag;
    else if (req.count(http::field::if_modified_since)) not_modified = req[http::field::if_modified_since] == modified;
    auto range = not_modified ? std::nullopt : single_range(req[http::field::range], spec->size);

    out = not_modified ? "HTTP/1.1 304 Not Modified\r\n" : range ? "HTTP/1.1 206 Partial Content\r\n" : "HTTP/1.1 200 OK\r\n";
    out += "Date: " + imf_date(std::time(nullptr)) + "\r\n";
    out += "Cache-Control: " + std::string(cache_control_of(spec->object_class)) + "\r\n";
    out += "ETag: " + etag + "\r\nLast-Modified: " + modified + "\r\n";
    out += "Content-Type: application/octet-stream\r\n";
    uint64_t first = 0, length = spec->size;
    if (range) {
      first = range->first;
      length = range->last - range->first + 1;
      out += "Content-Range: bytes " + std::to_string(range->first) + "-" + std::to_string(range->last) + "/" +
             std::to_string(spec->size) + "\r\n";
    }
    const bool chunked = spec->chunked && !not_modified;
    if (chunked) out += "Transfer-Encoding: chunked\r\n";
    else if (!not_modified) out += "Content-Length: " + std::to_string(length) + "\r\n";
    out += "\r\n";
    if (not_modified) ++counters_.not_modified;
    else if (range) ++counters_.partial;
    else ++counters_.full;
    if (chunked) ++counters_.chunked;

    const uint64_t start = BodyPattern::start_of(path, version);
    bool failed = false;
    // The header goes with the first piece; then pieces of at most 64 KiB.
    for (uint64_t sent = 0; !failed && (sent < length || sent == 0);) {
      const uint64_t n = std::min(length - sent, BodyPattern::kMaxRun);
      if (!not_modified && n > 0) {
        if (chunked) {
          char size_line[32];
          std::snprintf(size_line, sizeof size_line, "%llx\r\n", static_cast<unsigned long long>(n));
          out += size_line;
        }
        out += pattern_.bytes(start, first + sent, n);
        if (chunked) out += "\r\n";
      }
      sent += n;
      if (sent >= length && chunked) out += "0\r\n\r\n";
      stream.expires_after(30s);
      auto [wec, wn] = co_await asio::async_write(stream, asio::buffer(out), use_nothrow);
      out.clear();
      failed = bool(wec);
      if (not_modified || length == 0) break;
    }
    if (failed) co_return;
    if (!req.keep_alive()) co_return;
  }
}

}  // namespace cuttle::load
