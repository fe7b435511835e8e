#include "proxy/config/acl/address_acls.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <stdexcept>

namespace cuttle {
namespace ip = boost::asio::ip;

namespace {

std::optional<ip::address> parse_address(std::string_view text) {
  boost::system::error_code ec;
  auto a = ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  return normalize_address(a);
}

// Turns a prefix length into the first or last address of the network at `base`.
template <class Bytes>
Bytes apply_prefix(Bytes base, int prefix, bool want_last) {
  for (size_t i = 0; i < base.size(); ++i) {
    int bits_here = std::clamp(prefix - static_cast<int>(i * 8), 0, 8);
    uint8_t mask = bits_here == 0 ? 0 : static_cast<uint8_t>(0xFF << (8 - bits_here));
    base[i] = want_last ? (base[i] | static_cast<uint8_t>(~mask)) : (base[i] & mask);
  }
  return base;
}

int netmask_to_prefix(const ip::address_v4& mask) {
  uint32_t m = mask.to_uint();
  int prefix = 0;
  while (prefix < 32 && (m & (0x80000000u >> prefix))) ++prefix;
  if ((prefix < 32 ? (m << prefix) : 0) != 0) throw std::invalid_argument("non-contiguous netmask " + mask.to_string());
  return prefix;
}

std::optional<int> prefix_of(std::string_view value, std::string_view& host) {
  auto slash = value.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  host = value.substr(0, slash);
  auto mask = value.substr(slash + 1);
  int bits = -1;
  auto [end, ec] = std::from_chars(mask.data(), mask.data() + mask.size(), bits);
  if (ec == std::errc() && end == mask.data() + mask.size()) return bits;
  if (auto m = parse_address(mask); m && m->is_v4()) return netmask_to_prefix(m->to_v4());
  throw std::invalid_argument("bad netmask in '" + std::string(value) + "'");
}

}  // namespace

ip::address normalize_address(const ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) return ip::make_address_v4(ip::v4_mapped, a.to_v6());
  return a;
}

bool IpRange::contains(const ip::address& raw) const {
  auto a = normalize_address(raw);
  if (a.is_v4() != first.is_v4()) return false;
  return !(a < first) && !(last < a);
}

IpRange parse_ip_range(std::string_view value) {
  if (value == "all") return {ip::make_address("0.0.0.0"), ip::make_address("255.255.255.255")};
  if (auto dash = value.find('-'); dash != std::string_view::npos) {
    auto first = parse_address(value.substr(0, dash));
    auto last = parse_address(value.substr(dash + 1));
    if (!first || !last || first->is_v4() != last->is_v4() || *last < *first)
      throw std::invalid_argument("bad address range '" + std::string(value) + "'");
    return {*first, *last};
  }
  std::string_view host = value;
  const auto prefix = prefix_of(value, host);
  auto base = parse_address(host);
  if (!base) throw std::invalid_argument("bad IP address '" + std::string(value) + "'");
  int max_bits = base->is_v4() ? 32 : 128;
  int bits = prefix.value_or(max_bits);
  if (bits < 0 || bits > max_bits) throw std::invalid_argument("bad prefix length in '" + std::string(value) + "'");
  if (base->is_v4()) {
    auto b = base->to_v4().to_bytes();
    return {ip::address_v4(apply_prefix(b, bits, false)), ip::address_v4(apply_prefix(b, bits, true))};
  }
  auto b = base->to_v6().to_bytes();
  return {ip::address_v6(apply_prefix(b, bits, false)), ip::address_v6(apply_prefix(b, bits, true))};
}

std::vector<std::string_view> AddressAcl::options() const {
  if (subject_ == Subject::Destination) return {"-n"};
  return {};
}

void AddressAcl::parse(const AclLine& line) {
  literal_only_ = literal_only_ || line.options.contains("-n");
  for (const auto& value : line.values) {
    ranges_.push_back(parse_ip_range(value));
    if (value == "all") ranges_.push_back(parse_ip_range("::/0"));
  }
}

bool AddressAcl::contains(const ip::address& a) const {
  return std::any_of(ranges_.begin(), ranges_.end(), [&](const IpRange& r) { return r.contains(a); });
}

AclMatch AddressAcl::match(const RequestFacts& f) const {
  switch (subject_) {
    case Subject::Client: return contains(f.client) ? AclMatch::Yes : AclMatch::No;
    case Subject::Local: return contains(f.connection.local_address) ? AclMatch::Yes : AclMatch::No;
    case Subject::Destination: break;
  }
  if (auto a = parse_address(f.host)) return contains(*a) ? AclMatch::Yes : AclMatch::No;
  if (literal_only_ || !f.destinations) return AclMatch::No;
  const bool any = std::any_of(f.destinations->begin(), f.destinations->end(),
                               [&](const ip::address& a) { return contains(a); });
  return any ? AclMatch::Yes : AclMatch::No;
}

}  // namespace cuttle
