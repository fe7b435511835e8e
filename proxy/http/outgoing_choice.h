// Which source address, TOS byte and netfilter mark a server connection gets, as
// squid 5.7's getOutgoingAddress and Ip::Qos choose them: in each list the first
// line whose ACLs match the request (with the destination address as `dst` sees
// it) decides; an address line applies only to destinations of its family.
#pragma once

#include "proxy/config/acl/facts.h"
#include "proxy/config/outgoing_config.h"

#include <boost/asio/ip/address.hpp>

#include <cstdint>
#include <optional>

namespace cuttle {

struct OutgoingChoice {
  std::optional<boost::asio::ip::address> local_address;
  std::optional<uint8_t> tos;
  std::optional<uint32_t> mark;
};

OutgoingChoice choose_outgoing(const OutgoingConfig& config, const RequestFacts& request,
                               const boost::asio::ip::address& destination);

}  // namespace cuttle
