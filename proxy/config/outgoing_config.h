// What server connections are made with, per ACL: tcp_outgoing_address,
// tcp_outgoing_tos, tcp_outgoing_mark (squid 5.7's names). In each list the first
// line whose ACLs all match decides.
#pragma once

#include "proxy/config/acl/access_rules.h"

#include <boost/asio/ip/address.hpp>

#include <cstdint>
#include <vector>

namespace cuttle {

struct OutgoingAddressLine {
  boost::asio::ip::address address;  // used only towards destinations of its family
  AccessRule acls;
};

struct OutgoingValueLine {
  uint32_t value = 0;  // a TOS/DSCP byte, or a netfilter mark
  AccessRule acls;
};

struct OutgoingConfig {
  std::vector<OutgoingAddressLine> addresses;
  std::vector<OutgoingValueLine> tos;
  std::vector<OutgoingValueLine> marks;
  std::vector<OutgoingValueLine> client_tos;  // clientside_tos: the TOS byte of packets to the client
};

}  // namespace cuttle
