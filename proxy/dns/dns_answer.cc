#include "proxy/dns/dns_answer.h"

#include <ares.h>
#include <arpa/nameser.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>

namespace cuttle::dns {
namespace {

// Squid keeps at most 255 addresses of a name.
constexpr int kMaxRecords = 255;

unsigned count_aliases(const hostent* host) {
  unsigned n = 0;
  if (host && host->h_aliases)
    for (char** alias = host->h_aliases; *alias; ++alias) ++n;
  return n;
}

template <class Record, class ToAddress>
RecordSet collect(int status, hostent* host, const std::array<Record, kMaxRecords>& records, int count,
                  ToAddress to_address) {
  RecordSet set;
  set.status = status;
  set.cnames = count_aliases(host);
  if (host) ares_free_hostent(host);
  if (status != ARES_SUCCESS) return set;
  uint32_t ttl = std::numeric_limits<uint32_t>::max();
  for (int i = 0; i < count; ++i) {
    const auto address = to_address(records[i]);
    if (std::find(set.addresses.begin(), set.addresses.end(), address) != set.addresses.end()) continue;
    set.addresses.push_back(address);
    ttl = std::min(ttl, static_cast<uint32_t>(std::max(0, records[i].ttl)));
  }
  set.ttl_seconds = set.addresses.empty() ? 0 : ttl;
  if (set.addresses.empty()) set.status = ARES_ENODATA;
  return set;
}

}  // namespace

RecordSet parse_answer(int type, const unsigned char* answer, int length) {
  hostent* host = nullptr;
  int count = kMaxRecords;
  if (type == ns_t_aaaa) {
    std::array<ares_addr6ttl, kMaxRecords> records{};
    const int status = ares_parse_aaaa_reply(answer, length, &host, records.data(), &count);
    return collect(status, host, records, count, [](const ares_addr6ttl& r) {
      boost::asio::ip::address_v6::bytes_type bytes;
      std::memcpy(bytes.data(), &r.ip6addr, bytes.size());
      return boost::asio::ip::address(boost::asio::ip::address_v6(bytes));
    });
  }
  std::array<ares_addrttl, kMaxRecords> records{};
  const int status = ares_parse_a_reply(answer, length, &host, records.data(), &count);
  return collect(status, host, records, count, [](const ares_addrttl& r) {
    boost::asio::ip::address_v4::bytes_type bytes;
    std::memcpy(bytes.data(), &r.ipaddr, bytes.size());
    return boost::asio::ip::address(boost::asio::ip::address_v4(bytes));
  });
}

}  // namespace cuttle::dns
