#include "proxy/log/store_log_line.h"

#include <openssl/evp.h>
#include <unistd.h>

#include <atomic>
#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace cuttle {

namespace {

constexpr std::string_view kStoreLogTags[] = {"SWAPOUT", "RELEASE", "SO_FAIL"};

std::string store_key_text(const StoreLogKey& key) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string text;
  text.reserve(32);
  for (uint8_t byte : key) {
    text += kHex[byte >> 4];
    text += kHex[byte & 15];
  }
  return text;
}

// The "time tag dir file key" part every line starts with.
std::string store_line_start(const StoreLogRecord& record) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(record.time.time_since_epoch()).count();
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, "%9d.%03d %-7s %02d %08X ", static_cast<int>(ms / 1000),
                static_cast<int>(ms % 1000), kStoreLogTags[static_cast<size_t>(record.tag)].data(), record.dir,
                static_cast<unsigned>(static_cast<int>(record.file)));
  return buffer + store_key_text(record.key);
}

}  // namespace

namespace {

// A field as one word of one line, whatever bytes it came from.
void append_field(std::string& line, std::string_view text) {
  for (char c : text) line += (c == '\n' || c == '\r') ? ' ' : c;
}

}  // namespace

std::string format_store_log_line(const StoreLogRecord& record) {
  std::string line = store_line_start(record);
  if (!record.reply) return line + "   ?         ?         ?         ? ?/? ?/? ? ?\n";
  const auto& reply = *record.reply;
  char numbers[96];
  std::snprintf(numbers, sizeof numbers, " %4d %9d %9d %9d ", static_cast<int>(reply.status),
                static_cast<int>(reply.date), static_cast<int>(reply.last_modified), static_cast<int>(reply.expires));
  line += numbers;
  append_field(line, reply.content_type.empty() ? "unknown" : reply.content_type);
  std::snprintf(numbers, sizeof numbers, " %" PRId64 "/%" PRId64 " ", reply.content_length, reply.body_length);
  line += numbers;
  append_field(line, reply.method);
  line += ' ';
  append_field(line, reply.url);
  line += '\n';
  return line;
}

unsigned squid_method_number(std::string_view method) {
  // Http::MethodType as squid 5.7 is built (without NO_SPECIAL_HANDLING).
  static constexpr std::string_view kMethods[] = {
      "NONE",     "GET",    "POST",       "PUT",         "HEAD",        "CONNECT",         "TRACE",
      "OPTIONS",  "DELETE", "CHECKOUT",   "CHECKIN",     "UNCHECKOUT",  "MKWORKSPACE",     "VERSION-CONTROL",
      "REPORT",   "UPDATE", "LABEL",      "MERGE",       "BASELINE-CONTROL", "MKACTIVITY", "PROPFIND",
      "PROPPATCH", "MKCOL", "COPY",       "MOVE",        "LOCK",        "UNLOCK",          "SEARCH",
      "PRI",      "PURGE"};
  for (unsigned i = 1; i < std::size(kMethods); ++i)
    if (kMethods[i] == method) return i;
  return std::size(kMethods);  // METHOD_OTHER
}

StoreLogKey public_store_key(std::string_view method, std::string_view url, std::string_view vary_mark) {
  const auto number = static_cast<unsigned char>(squid_method_number(method));
  StoreLogKey key{};
  EVP_MD_CTX* md5 = EVP_MD_CTX_new();
  EVP_DigestInit_ex(md5, EVP_md5(), nullptr);
  EVP_DigestUpdate(md5, &number, 1);
  EVP_DigestUpdate(md5, url.data(), url.size());
  EVP_DigestUpdate(md5, vary_mark.data(), vary_mark.size());
  unsigned size = 0;
  EVP_DigestFinal_ex(md5, key.data(), &size);
  EVP_MD_CTX_free(md5);
  return key;
}

StoreLogKey private_store_key() {
  static std::atomic<uint64_t> count{0};
  const uint64_t number = count.fetch_add(1) + 1;
  const int32_t pid = static_cast<int32_t>(::getpid());
  StoreLogKey key{};
  // Squid copies its struct {count; pid; kid} as it lies in memory: little-endian here.
  std::memcpy(key.data(), &number, sizeof number);
  std::memcpy(key.data() + 8, &pid, sizeof pid);
  return key;
}

}  // namespace cuttle
