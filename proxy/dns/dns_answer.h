// What one A or AAAA answer says: its addresses, their smallest TTL, and how many
// CNAMEs led there (squid counts them for mgr:ipcache).
#pragma once

#include <boost/asio/ip/address.hpp>

#include <cstdint>
#include <vector>

namespace cuttle::dns {

struct RecordSet {
  int status = 0;  // ARES_SUCCESS, or why the answer has no addresses
  std::vector<boost::asio::ip::address> addresses;
  uint32_t ttl_seconds = 0;  // the smallest of the records'
  unsigned cnames = 0;
};

// `type` is ns_t_a or ns_t_aaaa; the answer a server sent for it.
RecordSet parse_answer(int type, const unsigned char* answer, int length);

}  // namespace cuttle::dns
