// A hosts file read as squid 5.7's parseEtcHosts reads it: names → the address of
// the last line naming them (lowercased, append_domain added to names without a
// dot), addresses → the first name of the last line listing them.
#pragma once

#include <boost/asio/ip/address.hpp>

#include <istream>
#include <string>
#include <string_view>
#include <unordered_map>

namespace cuttle::dns {

struct HostsFile {
  std::unordered_map<std::string, boost::asio::ip::address> addresses;  // by lowercase name
  std::unordered_map<std::string, std::string> names;                  // by address text
};

HostsFile parse_hosts_file(std::istream& in, std::string_view append_domain = {});
// An empty HostsFile for "none" or a file that cannot be opened (squid logs it and goes on).
HostsFile read_hosts_file(const std::string& path, std::string_view append_domain);

}  // namespace cuttle::dns
