// The first message of a TLS connection, read without consuming it: what an
// ssl_bump peek (squid's step 1, src/security/Handshake.cc) learns before it decides
// to splice, bump or terminate — above all the server name (SNI). Pure: bytes in,
// a value out; the session keeps the bytes and relays them untouched on a splice.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace cuttle {

struct TlsClientHello {
  uint16_t record_version = 0;  // the first record's legacy version (0x0301 for most clients)
  uint16_t hello_version = 0;   // ClientHello.legacy_version (0x0303 for TLS 1.2 and 1.3)
  // The highest version of the supported_versions extension (TLS 1.3), GREASE aside.
  std::optional<uint16_t> supported_version;
  std::string server_name;                // SNI host_name; empty when none was sent
  std::vector<uint16_t> cipher_suites;
  std::vector<std::string> alpn;          // application protocols offered ("h2", "http/1.1")
  size_t size = 0;                        // bytes of the records that carry the hello
};

// More bytes are needed to tell.
struct TlsNeedMore {};

// Not a TLS ClientHello (plain HTTP on port 443, SSLv2, a broken record): squid's
// on_unsupported_protocol case. `why` says what was wrong.
struct TlsNotClientHello {
  std::string why;
};

using TlsClientHelloResult = std::variant<TlsClientHello, TlsNeedMore, TlsNotClientHello>;

// Bigger hellos are refused rather than buffered without end (real ones are a few
// hundred bytes; post-quantum key shares make them a few KiB).
inline constexpr size_t kMaxClientHelloSize = 64 * 1024;

// Reads a ClientHello from a connection's first bytes, its handshake message
// possibly split over several records.
TlsClientHelloResult parse_tls_client_hello(std::string_view bytes);

}  // namespace cuttle
