#include "proxy/config/acl/arp_acl.h"

#include <algorithm>
#include <cctype>

namespace cuttle {

std::optional<Mac> parse_mac(std::string_view text) {
  // As Squid's sscanf "%[0-9a-fA-F:]": the leading hex digits and colons only.
  const auto end = std::find_if(text.begin(), text.end(), [](unsigned char c) { return !std::isxdigit(c) && c != ':'; });
  text = text.substr(0, static_cast<size_t>(end - text.begin()));
  Mac mac{};
  size_t field = 0;
  while (field < 6) {
    const auto colon = text.find(':');
    const auto part = text.substr(0, colon);
    if (part.empty()) return std::nullopt;
    unsigned value = 0;
    for (char c : part) value = value * 16 + static_cast<unsigned>(std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (std::tolower(c) - 'a' + 10));
    mac[field++] = static_cast<uint8_t>(value);
    if (colon == std::string_view::npos) break;
    text.remove_prefix(colon + 1);
  }
  if (field != 6) return std::nullopt;
  return mac;
}

void ArpAcl::parse(const AclLine& line) {
  for (const auto& value : line.values)
    if (auto mac = parse_mac(value)) macs_.push_back(*mac);
}

// As Squid: an IPv4 client's address looked up; one the table does not have is
// all zeroes (which an ACL listing 00:00:00:00:00:00 would match).
AclMatch ArpAcl::match(const RequestFacts& facts) const {
  if (!facts.client.is_v4()) return AclMatch::No;
  const Mac mac = facts.client_mac.value_or(Mac{});
  return std::find(macs_.begin(), macs_.end(), mac) != macs_.end() ? AclMatch::Yes : AclMatch::No;
}

}  // namespace cuttle
