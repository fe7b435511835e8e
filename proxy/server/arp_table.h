// The kernel's ARP table (/proc/net/arp): the Ethernet address of an IPv4
// neighbour, for arp ACLs. Only complete entries count (ATF_COM), as Squid's
// SIOCGARP lookup sees them.
#pragma once

#include "proxy/config/acl/arp_acl.h"

#include <boost/asio/ip/address_v4.hpp>

#include <optional>
#include <string_view>

namespace cuttle {

// Reads the table's text (the /proc/net/arp format) for `address`.
std::optional<Mac> find_in_arp_table(std::string_view table, const boost::asio::ip::address_v4& address);
// The same from the running kernel's table.
std::optional<Mac> arp_lookup(const boost::asio::ip::address_v4& address);

}  // namespace cuttle
