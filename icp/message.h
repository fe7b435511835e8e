// ICP messages (RFC 2186; version 3, Harvest's variant, has the same layout):
// a fixed 20-byte header in network byte order, then a payload that depends on
// the opcode. Pure code: bytes in, values out, every length checked.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace cuttle::icp {

enum class Opcode : uint8_t {
  Invalid = 0,
  Query = 1,
  Hit = 2,
  Miss = 3,
  Err = 4,
  Secho = 10,
  Decho = 11,
  MissNoFetch = 21,
  Denied = 22,
  HitObj = 23,
};

inline constexpr uint8_t kVersion2 = 2;
inline constexpr uint8_t kVersion3 = 3;
inline constexpr size_t kHeaderSize = 20;
// RFC 2186 §2: no ICP message is larger than 16 KiB.
inline constexpr size_t kMaxMessageSize = 16384;
inline constexpr uint32_t kFlagHitObj = 0x80000000;  // requester accepts HIT_OBJ replies
inline constexpr uint32_t kFlagSrcRtt = 0x40000000;  // requester wants RTT to the origin

const char* opcode_name(Opcode op);  // "ICP_QUERY", ...; "ICP_UNKNOWN" for others
bool is_known_opcode(uint8_t value);
bool is_reply(Opcode op);  // HIT, MISS, ERR, MISS_NOFETCH, DENIED, HIT_OBJ, SECHO, DECHO

// One decoded message. The views point into the datagram it was decoded from.
struct Message {
  Opcode opcode = Opcode::Invalid;
  uint8_t version = kVersion2;
  uint32_t request_number = 0;
  uint32_t options = 0;      // ICP_FLAG_* bits
  uint32_t option_data = 0;  // SRC_RTT: RTT in the low 16 bits
  uint32_t sender_address = 0;     // obsolete; 0 when sending
  uint32_t requester_address = 0;  // QUERY only; obsolete
  std::string_view url;            // without its terminating NUL
  std::string_view object;         // HIT_OBJ only
};

enum class DecodeError {
  None,
  TooShort,          // fewer bytes than the 20-byte header
  TooLong,           // more than kMaxMessageSize bytes
  BadVersion,        // neither 2 nor 3
  LengthMismatch,    // the header's length field differs from the datagram's size
  UnknownOpcode,     // an opcode RFC 2186 leaves unused or obsolete
  MissingRequester,  // QUERY without its 4-byte requester address
  UrlNotTerminated,  // no NUL ends the URL within the message
  BadObjectLength,   // HIT_OBJ: object length beyond the end of the message
};
const char* decode_error_name(DecodeError e);

struct Decoded {
  DecodeError error = DecodeError::None;
  // Set whenever the header itself is sound (size, version and length field),
  // even if the payload is not: a responder can still answer ERR to it.
  bool header_valid = false;
  Message message;  // header fields valid when header_valid, all fields when ok()
  bool ok() const { return error == DecodeError::None; }
};

// Never reads outside `datagram`. Bytes after the URL's NUL (other than a
// HIT_OBJ object) are ignored, as Squid ignores them.
Decoded decode(std::span<const uint8_t> datagram);

// The encoded size of `m`, or nothing when it cannot be encoded (URL holding a
// NUL, object over 65535 bytes, message over kMaxMessageSize).
std::optional<size_t> encoded_size(const Message& m);
// Writes `m` into `out`; returns the bytes written, or nothing when `m` cannot be
// encoded or does not fit.
std::optional<size_t> encode(const Message& m, std::span<uint8_t> out);
// Convenience for tests and the client: throws std::invalid_argument when `m`
// cannot be encoded.
std::vector<uint8_t> encode(const Message& m);

}  // namespace cuttle::icp
