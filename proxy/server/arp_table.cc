#include "proxy/server/arp_table.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace cuttle {

namespace {
constexpr unsigned kCompleteEntry = 0x2;  // ATF_COM
}

std::optional<Mac> find_in_arp_table(std::string_view table, const boost::asio::ip::address_v4& address) {
  std::istringstream in{std::string(table)};
  std::string line;
  std::getline(in, line);  // the column titles
  const auto wanted = address.to_string();
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string ip, type, flags, mac;
    if (!(fields >> ip >> type >> flags >> mac) || ip != wanted) continue;
    if ((std::strtoul(flags.c_str(), nullptr, 16) & kCompleteEntry) == 0) continue;
    return parse_mac(mac);
  }
  return std::nullopt;
}

std::optional<Mac> arp_lookup(const boost::asio::ip::address_v4& address) {
  std::ifstream file("/proc/net/arp");
  std::stringstream text;
  text << file.rdbuf();
  return find_in_arp_table(text.str(), address);
}

}  // namespace cuttle
