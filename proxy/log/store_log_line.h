// One line of Squid's cache_store_log (store.log), as squid 5.7's storeLog()
// prints it:
//   time tag dir file key status date last-modified expires type length/stored method URL
//   1796635887.007 SWAPOUT 00 00000000 A2D7C535D32AF06858202E2F67195E98  200 1796635887 ...
// and the cache keys it names objects by (MD5, as store_key_md5.cc makes them).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cuttle {

enum class StoreLogTag : uint8_t { Swapout, Release, SwapoutFail };

using StoreLogKey = std::array<uint8_t, 16>;

// What the line shows of the reply; Squid prints "?" for each when it no longer
// has the reply in memory (an evicted object).
struct StoreLogReply {
  unsigned status = 0;
  int64_t date = -1, last_modified = -1, expires = -1;  // seconds since the epoch; -1: none
  std::string content_type;                             // empty: "unknown"
  int64_t content_length = -1;                          // the Content-Length field; -1: none
  int64_t body_length = 0;                              // what the entry holds
  std::string method, url;
};

struct StoreLogRecord {
  std::chrono::system_clock::time_point time;
  StoreLogTag tag = StoreLogTag::Release;
  int dir = -1;           // the cache_dir's index; -1: not on disk
  int64_t file = -1;      // its file number in that directory (cuttle: the object id)
  StoreLogKey key{};
  std::optional<StoreLogReply> reply;
};

// The line, with its newline.
std::string format_store_log_line(const StoreLogRecord& record);

// A stored object's key: MD5 of Squid's method number, the URL (or store ID),
// then Squid's Vary mark (`accept-encoding="gzip"`) for a variant.
StoreLogKey public_store_key(std::string_view method, std::string_view url, std::string_view vary_mark = {});
// A reply that is not stored has a private key: a count, the process id and the
// kid number (0), as Squid's storeKeyPrivate.
StoreLogKey private_store_key();

// Squid's number for a method (Http::MethodType); METHOD_OTHER for unknown ones.
unsigned squid_method_number(std::string_view method);

}  // namespace cuttle
