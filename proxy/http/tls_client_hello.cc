#include "proxy/http/tls_client_hello.h"

namespace cuttle {
namespace {

constexpr uint8_t kHandshakeRecord = 22;
constexpr uint8_t kClientHelloType = 1;
constexpr size_t kRecordHeader = 5;
constexpr size_t kMaxRecordBody = 16384 + 2048;  // 2^14 of plaintext, with OpenSSL's slack
constexpr uint16_t kServerNameExtension = 0;
constexpr uint16_t kAlpnExtension = 16;
constexpr uint16_t kSupportedVersionsExtension = 43;

// Big-endian fields off the front of some bytes. A read past the end fails the
// reader for good (and reads zeros), so a parse checks ok() once per structure.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : rest_(bytes) {}
  uint32_t number(size_t width) {
    if (rest_.size() < width) return fail(), 0;
    uint32_t value = 0;
    for (size_t i = 0; i < width; ++i) value = (value << 8) | static_cast<uint8_t>(rest_[i]);
    rest_.remove_prefix(width);
    return value;
  }
  std::string_view bytes(size_t count) {
    if (rest_.size() < count) return fail(), std::string_view();
    const auto taken = rest_.substr(0, count);
    rest_.remove_prefix(count);
    return taken;
  }
  // The contents of a vector whose length takes `width` bytes.
  std::string_view vector(size_t width) { return bytes(number(width)); }
  bool ok() const { return ok_; }
  bool empty() const { return rest_.empty(); }

 private:
  void fail() {
    ok_ = false;
    rest_ = {};
  }
  std::string_view rest_;
  bool ok_ = true;
};

// GREASE values (RFC 8701) say nothing about what a client supports.
bool is_grease(uint16_t value) { return (value & 0x0f0f) == 0x0a0a && (value >> 8) == (value & 0xff); }

struct Message {
  std::string bytes;  // the handshake message, its 4-byte header included
  size_t record_bytes = 0;
  uint16_t record_version = 0;
};

// The first handshake message, gathered from the leading handshake records.
std::variant<Message, TlsNeedMore, TlsNotClientHello> first_handshake_message(std::string_view in) {
  Message message;
  for (;;) {
    if (message.bytes.size() >= 4) {
      const size_t length = Reader(std::string_view(message.bytes).substr(1, 3)).number(3);
      if (length + 4 > kMaxClientHelloSize) return TlsNotClientHello{"ClientHello larger than 64 KiB"};
      if (message.bytes.size() >= length + 4) {
        message.bytes.resize(length + 4);
        return message;
      }
    }
    if (in.size() - message.record_bytes < kRecordHeader) return TlsNeedMore{};
    Reader header(in.substr(message.record_bytes, kRecordHeader));
    const auto type = header.number(1), version = header.number(2), length = header.number(2);
    if (type != kHandshakeRecord)
      return TlsNotClientHello{message.record_bytes ? "another record inside the ClientHello" : "not a TLS handshake"};
    if ((version >> 8) != 3) return TlsNotClientHello{"not a TLS record version"};
    if (length == 0 || length > kMaxRecordBody) return TlsNotClientHello{"bad TLS record length"};
    if (message.record_bytes == 0) message.record_version = static_cast<uint16_t>(version);
    if (in.size() - message.record_bytes - kRecordHeader < length) return TlsNeedMore{};
    message.bytes.append(in.substr(message.record_bytes + kRecordHeader, length));
    message.record_bytes += kRecordHeader + length;
  }
}

// server_name (RFC 6066 §3): the first host_name entry.
bool read_server_name(std::string_view data, TlsClientHello& hello) {
  Reader extension(data);
  Reader names(extension.vector(2));
  while (names.ok() && !names.empty()) {
    const auto type = names.number(1);
    const auto name = names.vector(2);
    if (type == 0 && hello.server_name.empty()) hello.server_name = std::string(name);
  }
  return extension.ok() && extension.empty() && names.ok();
}

// application_layer_protocol_negotiation (RFC 7301 §3.1).
bool read_alpn(std::string_view data, TlsClientHello& hello) {
  Reader extension(data);
  Reader protocols(extension.vector(2));
  while (protocols.ok() && !protocols.empty()) hello.alpn.emplace_back(protocols.vector(1));
  return extension.ok() && extension.empty() && protocols.ok();
}

// supported_versions (RFC 8446 §4.2.1), as a client lists them.
bool read_supported_versions(std::string_view data, TlsClientHello& hello) {
  Reader extension(data);
  Reader versions(extension.vector(1));
  while (versions.ok() && !versions.empty()) {
    const auto version = static_cast<uint16_t>(versions.number(2));
    if (!is_grease(version) && version > hello.supported_version.value_or(0)) hello.supported_version = version;
  }
  return extension.ok() && extension.empty() && versions.ok();
}

bool read_extensions(Reader& body, TlsClientHello& hello) {
  if (body.empty()) return true;  // a hello may end before its extensions
  Reader extensions(body.vector(2));
  while (extensions.ok() && !extensions.empty()) {
    const auto type = extensions.number(2);
    const auto data = extensions.vector(2);
    if (!extensions.ok()) return false;
    if (type == kServerNameExtension && !read_server_name(data, hello)) return false;
    if (type == kAlpnExtension && !read_alpn(data, hello)) return false;
    if (type == kSupportedVersionsExtension && !read_supported_versions(data, hello)) return false;
  }
  return extensions.ok() && body.ok() && body.empty();
}

// ClientHello (RFC 8446 §4.1.2; earlier versions have the same layout).
bool read_client_hello(std::string_view body_bytes, TlsClientHello& hello) {
  Reader body(body_bytes);
  hello.hello_version = static_cast<uint16_t>(body.number(2));
  body.bytes(32);   // random
  body.vector(1);   // legacy_session_id
  Reader suites(body.vector(2));
  while (suites.ok() && !suites.empty()) hello.cipher_suites.push_back(static_cast<uint16_t>(suites.number(2)));
  body.vector(1);   // legacy_compression_methods
  if (!body.ok() || !suites.ok()) return false;
  return read_extensions(body, hello);
}

}  // namespace

TlsClientHelloResult parse_tls_client_hello(std::string_view bytes) {
  auto gathered = first_handshake_message(bytes);
  if (auto* need = std::get_if<TlsNeedMore>(&gathered)) return *need;
  if (auto* problem = std::get_if<TlsNotClientHello>(&gathered)) return *problem;
  const auto& message = std::get<Message>(gathered);
  if (static_cast<uint8_t>(message.bytes[0]) != kClientHelloType)
    return TlsNotClientHello{"a handshake message other than ClientHello"};
  TlsClientHello hello;
  hello.record_version = message.record_version;
  hello.size = message.record_bytes;
  if (!read_client_hello(std::string_view(message.bytes).substr(4), hello))
    return TlsNotClientHello{"malformed ClientHello"};
  return hello;
}

}  // namespace cuttle
