// `acl NAME arp MAC...`: the client's Ethernet address, as the kernel's ARP
// table knows it (clients on the proxy's own network segment; IPv6 clients never
// match), as Squid 5.7's ACLARP. MACs are written 00:11:22:aa:bb:cc; a value
// that is not one is skipped, as Squid skips it (with an error in its log).
#pragma once

#include "proxy/config/acl/acl.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace cuttle {

using Mac = std::array<uint8_t, 6>;

// Squid's Eui48::decode: six hex fields separated by ':' (each taken modulo 256).
std::optional<Mac> parse_mac(std::string_view text);

class ArpAcl : public AclData {
 public:
  void parse(const AclLine& line) override;
  AclMatch match(const RequestFacts& facts) const override;
  bool empty() const override { return macs_.empty(); }
  void add_needs(AclNeeds& needs) const override { needs.client_mac = true; }

 private:
  std::vector<Mac> macs_;
};

}  // namespace cuttle
