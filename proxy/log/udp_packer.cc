#include "proxy/log/udp_packer.h"

namespace cuttle {

void UdpPacker::add(std::string_view piece, std::vector<std::string>& out) {
  if (capacity_ == 0) {
    out.emplace_back(piece);
    return;
  }
  if (!packing_.empty() && packing_.size() + piece.size() + 4 > capacity_) flush(out);
  if (piece.size() > capacity_) {
    out.emplace_back(piece);
    return;
  }
  packing_ += piece;
}

void UdpPacker::flush(std::vector<std::string>& out) {
  if (packing_.empty()) return;
  out.push_back(std::move(packing_));
  packing_.clear();
}

}  // namespace cuttle
