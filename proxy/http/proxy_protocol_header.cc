#include "proxy/http/proxy_protocol_header.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

namespace cuttle {
namespace {

constexpr std::string_view kV1Magic = "PROXY";
constexpr std::string_view kV2Magic{"\x0D\x0A\x0D\x0A\x00\x0D\x0A\x51\x55\x49\x54\x0A", 12};

// ---- version 1: "PROXY TCP4 src dst sport dport\r\n" ----

// squid's limit: 107 bytes with the magic and CRLF.
constexpr size_t kV1MaxInterior = 107 - kV1Magic.size() - 2;

// A header that can never be read; its message is squid's.
struct HeaderFailure {
  std::string message;
};

bool is_v1_address_char(char c) {
  return c == '.' || c == ':' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// A numeric address as squid's getaddrinfo(AI_NUMERICHOST) takes it: IPv6 text,
// or IPv4 in inet_aton's forms.
std::optional<boost::asio::ip::address> numeric_address(const std::string& text) {
  if (text.find(':') != std::string::npos) {
    boost::system::error_code ec;
    auto address = boost::asio::ip::make_address_v6(text, ec);
    if (ec) return std::nullopt;
    return boost::asio::ip::address(address);
  }
  in_addr v4{};
  if (::inet_aton(text.c_str(), &v4) == 0) return std::nullopt;
  return boost::asio::ip::address(boost::asio::ip::address_v4(ntohl(v4.s_addr)));
}

// Reads what the interior has left, word by word, as squid's Tokenizer does.
class V1Reader {
 public:
  explicit V1Reader(std::string_view interior) : rest_(interior) {}

  bool skip(std::string_view word) {
    if (!rest_.starts_with(word)) return false;
    rest_.remove_prefix(word.size());
    return true;
  }

  boost::asio::ip::address address() {
    size_t n = 0;
    while (n < rest_.size() && is_v1_address_char(rest_[n])) ++n;
    if (n == 0) throw HeaderFailure{"PROXY/1.0 error: malformed IP address"};
    const std::string text(rest_.substr(0, n));
    rest_.remove_prefix(n);
    if (!skip(" ")) throw HeaderFailure{"PROXY/1.0 error: garbage after IP address"};
    auto parsed = numeric_address(text);
    if (!parsed) throw HeaderFailure{"PROXY/1.0 error: invalid IP address"};
    return *parsed;
  }

  uint16_t port(bool space_follows) {
    size_t n = 0;
    uint64_t value = 0;
    bool overflow = false;
    while (n < rest_.size() && rest_[n] >= '0' && rest_[n] <= '9') {
      value = value * 10 + static_cast<uint64_t>(rest_[n] - '0');
      overflow = overflow || value > INT64_MAX / 10;
      ++n;
    }
    if (n == 0 || overflow) throw HeaderFailure{"PROXY/1.0 error: malformed port"};
    rest_.remove_prefix(n);
    if (space_follows && !skip(" ")) throw HeaderFailure{"PROXY/1.0 error: garbage after port"};
    if (value > 65535) throw HeaderFailure{"PROXY/1.0 error: invalid port"};
    return static_cast<uint16_t>(value);
  }

  char family() {
    if (rest_.empty() || (rest_.front() != '4' && rest_.front() != '6'))
      throw HeaderFailure{"PROXY/1.0 error: missing or invalid IP address family"};
    const char f = rest_.front();
    rest_.remove_prefix(1);
    if (!skip(" ")) throw HeaderFailure{"PROXY/1.0 error: missing SP after the IP address family"};
    return f;
  }

 private:
  std::string_view rest_;
};

// "TCP4 " / "TCP6 " and what follows; text after the destination port is not
// looked at, as in squid.
void read_v1_addresses(V1Reader& in, ProxyProtocolHeader& header) {
  const char family = in.family();
  const auto source = in.address();
  const auto destination = in.address();
  const char actual = source.is_v6() && destination.is_v6()   ? '6'
                      : source.is_v4() && destination.is_v4() ? '4'
                                                              : 'x';
  if (actual != family) throw HeaderFailure{"PROXY/1.0 error: declared and/or actual IP address families mismatch"};
  const auto source_port = in.port(true);
  const auto destination_port = in.port(false);
  header.source = ProxyProtocolEndpoint{source, source_port};
  header.destination = ProxyProtocolEndpoint{destination, destination_port};
}

// `bytes` starts after the magic.
ProxyProtocolResult parse_v1(std::string_view bytes) {
  size_t interior = 0;
  while (interior < bytes.size() && interior < kV1MaxInterior && bytes[interior] != '\r') ++interior;
  const bool crlf = interior > 0 && bytes.substr(interior, 2) == "\r\n";
  if (!crlf) {
    // Out of bytes before the line could end: wait; else an empty or too long
    // interior, or CR without LF.
    if (interior == bytes.size() || (interior > 0 && interior + 1 == bytes.size() && bytes[interior] == '\r'))
      return ProxyProtocolNeedMore{};
    return ProxyProtocolError{"PROXY/1.0 error: malformed header"};
  }
  ProxyProtocolHeader header;
  header.version = "1.0";
  try {
    V1Reader in(bytes.substr(0, interior));
    if (!in.skip(" ")) throw HeaderFailure{"PROXY/1.0 error: missing SP after the magic sequence"};
    if (in.skip("TCP")) read_v1_addresses(in, header);
    else if (!in.skip("UNKNOWN")) throw HeaderFailure{"PROXY/1.0 error: invalid INET protocol or family"};
  } catch (const HeaderFailure& failure) {
    return ProxyProtocolError{failure.message};
  }
  return ProxyProtocolParsed{std::move(header), kV1Magic.size() + interior + 2};
}

// ---- version 2: binary ----

enum : unsigned { kCommandLocal = 0, kCommandProxy = 1 };
enum : unsigned { kFamilyUnspecified = 0, kFamilyInet = 1, kFamilyInet6 = 2, kFamilyUnix = 3 };
enum : unsigned { kTransportUnspecified = 0, kTransportDgram = 2 };

// Big-endian reads over the address block; a block too short for what its family
// says is an error (squid's Must()), not a wait: its length was announced.
class V2Reader {
 public:
  explicit V2Reader(std::string_view block) : rest_(block) {}
  bool at_end() const { return rest_.empty(); }

  std::string_view take(size_t n) {
    if (rest_.size() < n) throw HeaderFailure{"PROXY/2.0 error: truncated address block or TLV"};
    auto out = rest_.substr(0, n);
    rest_.remove_prefix(n);
    return out;
  }
  uint8_t u8() { return static_cast<uint8_t>(take(1)[0]); }
  uint16_t u16() {
    const auto b = take(2);
    return static_cast<uint16_t>((static_cast<uint8_t>(b[0]) << 8) | static_cast<uint8_t>(b[1]));
  }
  boost::asio::ip::address_v4 inet4() {
    const auto b = take(4);
    boost::asio::ip::address_v4::bytes_type bytes;
    std::memcpy(bytes.data(), b.data(), bytes.size());
    return boost::asio::ip::address_v4(bytes);
  }
  boost::asio::ip::address_v6 inet6() {
    const auto b = take(16);
    boost::asio::ip::address_v6::bytes_type bytes;
    std::memcpy(bytes.data(), b.data(), bytes.size());
    return boost::asio::ip::address_v6(bytes);
  }

 private:
  std::string_view rest_;
};

void read_v2_addresses(unsigned family, V2Reader& in, ProxyProtocolHeader& header) {
  ProxyProtocolEndpoint source, destination;
  if (family == kFamilyInet) {
    source.address = in.inet4();
    destination.address = in.inet4();
  } else if (family == kFamilyInet6) {
    source.address = in.inet6();
    destination.address = in.inet6();
  } else {
    // AF_UNIX: squid skips the 216 bytes and keeps its empty addresses ("::").
    in.take(216);
    source.address = destination.address = boost::asio::ip::address_v6();
  }
  if (family != kFamilyUnix) {
    source.port = in.u16();
    destination.port = in.u16();
  }
  header.source = source;
  header.destination = destination;
}

// Each field is judged as soon as it is there, as squid's tokenizer does.
std::optional<ProxyProtocolError> v2_prelude_error(std::string_view bytes) {
  if (!bytes.empty()) {
    const unsigned version = static_cast<uint8_t>(bytes[0]) >> 4, command = bytes[0] & 0x0F;
    if (version != 2) return ProxyProtocolError{"PROXY/2.0 error: invalid version " + std::to_string(version)};
    if (command > kCommandProxy)
      return ProxyProtocolError{"PROXY/2.0 error: invalid command " + std::to_string(command)};
  }
  if (bytes.size() > 1) {
    const unsigned family = static_cast<uint8_t>(bytes[1]) >> 4, transport = bytes[1] & 0x0F;
    if (family > kFamilyUnix)
      return ProxyProtocolError{"PROXY/2.0 error: invalid address family " + std::to_string(family)};
    if (transport > kTransportDgram)
      return ProxyProtocolError{"PROXY/2.0 error: invalid transport protocol " + std::to_string(transport)};
  }
  return std::nullopt;
}

ProxyProtocolResult parse_v2(std::string_view bytes) {
  if (auto error = v2_prelude_error(bytes)) return *error;
  if (bytes.size() < 4) return ProxyProtocolNeedMore{};
  const unsigned command = bytes[0] & 0x0F;
  const unsigned family = static_cast<uint8_t>(bytes[1]) >> 4, transport = bytes[1] & 0x0F;
  const size_t length = (static_cast<uint8_t>(bytes[2]) << 8) | static_cast<uint8_t>(bytes[3]);
  if (bytes.size() < 4 + length) return ProxyProtocolNeedMore{};

  ProxyProtocolHeader header;
  header.version = "2.0";
  header.local = command == kCommandLocal;
  // Unspecified family or transport: the block cannot be read, TLVs included.
  if (family != kFamilyUnspecified && transport != kTransportUnspecified) {
    try {
      V2Reader in(bytes.substr(4, length));
      read_v2_addresses(family, in, header);
      if (header.forwards_addresses())
        while (!in.at_end()) {
          ProxyProtocolTlv tlv;
          tlv.type = in.u8();
          tlv.value = std::string(in.take(in.u16()));
          header.tlvs.push_back(std::move(tlv));
        }
    } catch (const HeaderFailure& failure) {
      return ProxyProtocolError{failure.message};
    }
  }
  return ProxyProtocolParsed{std::move(header), kV2Magic.size() + 4 + length};
}

}  // namespace

ProxyProtocolResult parse_proxy_protocol(std::string_view bytes) {
  // The sizes parse_v1 and parse_v2 return count the magic.
  if (bytes.starts_with(kV2Magic)) return parse_v2(bytes.substr(kV2Magic.size()));
  if (bytes.starts_with(kV1Magic)) return parse_v1(bytes.substr(kV1Magic.size()));
  // The v1 magic is the shorter: with as many bytes as the v2 one, neither can come.
  if (bytes.size() >= kV2Magic.size()) return ProxyProtocolError{"PROXY protocol error: invalid magic"};
  return ProxyProtocolNeedMore{};
}

}  // namespace cuttle
