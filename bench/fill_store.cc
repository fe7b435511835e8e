// Fills a cuttle object store (the LMDB environment of `cache_dir lmdb PATH MBYTES`)
// with many small cached responses, written through store::ObjectWriter exactly as
// the proxy's cache fill writes them (record, header block, chunk, SHA-256), but
// without the network. Used by bench/warm_start.sh.
//
//   fill_store PATH MBYTES COUNT URL_PREFIX [BODY_BYTES]
//
// Object i is stored under the cache key URL_PREFIX + i (e.g.
// "http://127.0.0.1:9/obj/123"), status 200, a header block like nginx's for a
// static file (Server, Date, Content-Type, Content-Length, Last-Modified, ETag,
// Cache-Control: max-age=86400, Accept-Ranges) and a body of BODY_BYTES (1024)
// printable bytes that differ per object. Prints the body of object 0 nowhere:
// warm_start.sh recomputes it with `fill_store --body N BODY_BYTES`.
#include "store/object_store.h"
#include "store/object_writer.h"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <string>
#include <thread>

namespace {

using namespace cuttle;

std::string body_of(uint64_t i, size_t n) {
  std::string body(n, ' ');
  uint64_t x = 0x9e3779b97f4a7c15ull * (i + 1);
  for (size_t k = 0; k < n; ++k) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;  // xorshift64
    body[k] = static_cast<char>(33 + x % 94);
  }
  return body;
}

std::string http_date(std::time_t t) {
  char buf[64];
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "--body") {  // fill_store --body I BODY_BYTES
    std::cout << body_of(std::strtoull(argv[2], nullptr, 10), std::strtoull(argv[3], nullptr, 10));
    return 0;
  }
  if (argc < 5 || argc > 6) {
    std::cerr << "usage: fill_store PATH MBYTES COUNT URL_PREFIX [BODY_BYTES]\n"
                 "       fill_store --body I BODY_BYTES   (prints object I's body)\n";
    return 2;
  }
  const std::string path = argv[1];
  const uint64_t mbytes = std::strtoull(argv[2], nullptr, 10);
  const uint64_t count = std::strtoull(argv[3], nullptr, 10);
  const std::string prefix = argv[4];
  const size_t body_bytes = argc == 6 ? std::strtoull(argv[5], nullptr, 10) : 1024;

  const auto start = std::chrono::steady_clock::now();
  store::ObjectStore store(store::StoreOptions{path, mbytes << 20, 256 * 1024});
  const std::time_t now = std::time(nullptr);
  const std::string date = http_date(now), modified = http_date(now - 86400 * 30);
  for (uint64_t i = 0; i < count; ++i) {
    // Keep the writer's queue bounded, as the proxy's writers do.
    while (store.queued_bytes() > store::ObjectStore::kMaxQueuedBytes)
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    if (i % 20000 == 19999) store.flush();  // also bounds the staged records in memory
    std::string body = body_of(i, body_bytes);
    char etag[64];
    std::snprintf(etag, sizeof etag, "\"%08llx-%zx\"", static_cast<unsigned long long>(i * 2654435761u), body_bytes);
    std::string header = "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: " + date +
                         "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + std::to_string(body_bytes) +
                         "\r\nLast-Modified: " + modified + "\r\nETag: " + etag +
                         "\r\nCache-Control: max-age=86400\r\nAccept-Ranges: bytes\r\n\r\n";
    store::ObjectWriter writer(store, prefix + std::to_string(i));
    writer.append(body);
    store::ObjectRecord record;
    record.status = 200;
    record.header_block = std::move(header);
    record.request_time = record.response_time = record.last_access = now_ms();
    writer.finish(std::move(record));
  }
  store.flush();
  auto stats = store.stats();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("FILL objects=%llu bytes=%llu map_used=%llu seconds=%.1f\n",
              static_cast<unsigned long long>(stats.objects), static_cast<unsigned long long>(stats.bytes),
              static_cast<unsigned long long>(stats.map_used), secs);
  return 0;
}
