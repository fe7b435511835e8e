#include "icp/message.h"

#include <cstring>
#include <stdexcept>

namespace cuttle::icp {
namespace {

uint16_t read16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
uint32_t read32(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}
void write16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
void write32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

// The NUL-terminated string at the start of `bytes`; nothing without a NUL.
std::optional<std::string_view> c_string(std::span<const uint8_t> bytes) {
  const void* nul = bytes.empty() ? nullptr : std::memchr(bytes.data(), 0, bytes.size());
  if (!nul) return std::nullopt;
  auto n = static_cast<size_t>(static_cast<const uint8_t*>(nul) - bytes.data());
  return std::string_view(reinterpret_cast<const char*>(bytes.data()), n);
}

}  // namespace

bool is_known_opcode(uint8_t v) {
  switch (static_cast<Opcode>(v)) {
    case Opcode::Invalid:
    case Opcode::Query:
    case Opcode::Hit:
    case Opcode::Miss:
    case Opcode::Err:
    case Opcode::Secho:
    case Opcode::Decho:
    case Opcode::MissNoFetch:
    case Opcode::Denied:
    case Opcode::HitObj:
      return true;
  }
  return false;
}

bool is_reply(Opcode op) {
  switch (op) {
    case Opcode::Hit:
    case Opcode::Miss:
    case Opcode::Err:
    case Opcode::Secho:
    case Opcode::Decho:
    case Opcode::MissNoFetch:
    case Opcode::Denied:
    case Opcode::HitObj:
      return true;
    default:
      return false;
  }
}

const char* opcode_name(Opcode op) {
  switch (op) {
    case Opcode::Invalid: return "ICP_INVALID";
    case Opcode::Query: return "ICP_QUERY";
    case Opcode::Hit: return "ICP_HIT";
    case Opcode::Miss: return "ICP_MISS";
    case Opcode::Err: return "ICP_ERR";
    case Opcode::Secho: return "ICP_SECHO";
    case Opcode::Decho: return "ICP_DECHO";
    case Opcode::MissNoFetch: return "ICP_MISS_NOFETCH";
    case Opcode::Denied: return "ICP_DENIED";
    case Opcode::HitObj: return "ICP_HIT_OBJ";
  }
  return "ICP_UNKNOWN";
}

const char* decode_error_name(DecodeError e) {
  switch (e) {
    case DecodeError::None: return "none";
    case DecodeError::TooShort: return "shorter than the ICP header";
    case DecodeError::TooLong: return "longer than 16 KiB";
    case DecodeError::BadVersion: return "unsupported ICP version";
    case DecodeError::LengthMismatch: return "length field differs from the datagram size";
    case DecodeError::UnknownOpcode: return "unknown opcode";
    case DecodeError::MissingRequester: return "query without requester address";
    case DecodeError::UrlNotTerminated: return "URL not NUL-terminated";
    case DecodeError::BadObjectLength: return "HIT_OBJ object length past the end";
  }
  return "unknown";
}

Decoded decode(std::span<const uint8_t> d) {
  Decoded out;
  if (d.size() < kHeaderSize) {
    out.error = DecodeError::TooShort;
    return out;
  }
  if (d.size() > kMaxMessageSize) {
    out.error = DecodeError::TooLong;
    return out;
  }
  const uint8_t* p = d.data();
  Message& m = out.message;
  m.opcode = static_cast<Opcode>(p[0]);
  m.version = p[1];
  m.request_number = read32(p + 4);
  m.options = read32(p + 8);
  m.option_data = read32(p + 12);
  m.sender_address = read32(p + 16);
  if (m.version != kVersion2 && m.version != kVersion3) {
    out.error = DecodeError::BadVersion;
    return out;
  }
  if (read16(p + 2) != d.size()) {
    out.error = DecodeError::LengthMismatch;
    return out;
  }
  out.header_valid = true;
  if (!is_known_opcode(p[0])) {
    out.error = DecodeError::UnknownOpcode;
    return out;
  }
  auto payload = d.subspan(kHeaderSize);
  if (m.opcode == Opcode::Query) {
    if (payload.size() < 4) {
      out.error = DecodeError::MissingRequester;
      return out;
    }
    m.requester_address = read32(payload.data());
    payload = payload.subspan(4);
  }
  auto url = c_string(payload);
  if (!url) {
    out.error = DecodeError::UrlNotTerminated;
    return out;
  }
  m.url = *url;
  if (m.opcode == Opcode::HitObj) {
    auto rest = payload.subspan(url->size() + 1);
    if (rest.size() < 2 || rest.size() - 2 < read16(rest.data())) {
      out.error = DecodeError::BadObjectLength;
      return out;
    }
    m.object = std::string_view(reinterpret_cast<const char*>(rest.data() + 2), read16(rest.data()));
  }
  return out;
}

std::optional<size_t> encoded_size(const Message& m) {
  if (m.url.find('\0') != std::string_view::npos) return std::nullopt;
  size_t size = kHeaderSize + m.url.size() + 1;
  if (m.opcode == Opcode::Query) size += 4;
  if (m.opcode == Opcode::HitObj) {
    if (m.object.size() > 0xffff) return std::nullopt;
    size += 2 + m.object.size();
  }
  if (size > kMaxMessageSize) return std::nullopt;
  return size;
}

std::optional<size_t> encode(const Message& m, std::span<uint8_t> out) {
  auto size = encoded_size(m);
  if (!size || *size > out.size()) return std::nullopt;
  uint8_t* p = out.data();
  p[0] = static_cast<uint8_t>(m.opcode);
  p[1] = m.version;
  write16(p + 2, static_cast<uint16_t>(*size));
  write32(p + 4, m.request_number);
  write32(p + 8, m.options);
  write32(p + 12, m.option_data);
  write32(p + 16, m.sender_address);
  p += kHeaderSize;
  if (m.opcode == Opcode::Query) {
    write32(p, m.requester_address);
    p += 4;
  }
  if (!m.url.empty()) std::memcpy(p, m.url.data(), m.url.size());
  p += m.url.size();
  *p++ = 0;
  if (m.opcode == Opcode::HitObj) {
    write16(p, static_cast<uint16_t>(m.object.size()));
    p += 2;
    if (!m.object.empty()) std::memcpy(p, m.object.data(), m.object.size());
  }
  return size;
}

std::vector<uint8_t> encode(const Message& m) {
  auto size = encoded_size(m);
  if (!size) throw std::invalid_argument("ICP message cannot be encoded (URL with NUL or over 16 KiB)");
  std::vector<uint8_t> out(*size);
  encode(m, out);
  return out;
}

}  // namespace cuttle::icp
