// The datagrams squid 5.7's udp log module (src/log/ModUdp.cc) sends: the
// pieces it writes are packed into a buffer of buffer-size bytes but at most
// 1400 (one datagram in an Ethernet MTU); the buffer is sent when the next
// piece would not fit with 4 bytes to spare, a piece bigger than the buffer
// goes alone, and buffer-size=0 sends every piece alone. Pure.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace cuttle {

class UdpPacker {
 public:
  static constexpr size_t kMaxDatagram = 1400;

  explicit UdpPacker(size_t buffer_size) : capacity_(buffer_size < kMaxDatagram ? buffer_size : kMaxDatagram) {}

  // Appends to `out` the datagrams `piece` completes.
  void add(std::string_view piece, std::vector<std::string>& out);
  // The datagram being packed, if any (squid's logfile_mod_udp_flush).
  void flush(std::vector<std::string>& out);
  bool holding() const { return !packing_.empty(); }

 private:
  size_t capacity_;
  std::string packing_;
};

}  // namespace cuttle
