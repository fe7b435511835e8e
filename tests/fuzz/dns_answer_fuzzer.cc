// DNS answers from any server (c-ares's parser under cuttle's reading of it) and
// hosts files of any bytes: an answer never yields duplicate addresses or a TTL
// without addresses, and a failure is never counted as a success; a hosts file's
// names are lowercase words without blanks.
#include "proxy/dns/dns_answer.h"
#include "proxy/dns/hosts_file.h"
#include "tests/fuzz/fuzz_target.h"

#include <ares.h>
#include <arpa/nameser.h>

#include <algorithm>
#include <sstream>

using namespace cuttle;

namespace {

void check_answer(int type, const uint8_t* data, size_t size) {
  const auto set = dns::parse_answer(type, data, static_cast<int>(size));
  const auto& a = set.addresses;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::find(a.begin() + static_cast<long>(i) + 1, a.end(), a[i]) != a.end())
      cuttle::fuzz::invariant_failed(__FILE__, __LINE__, "an address is listed twice");
  if (a.empty() == (set.status == ARES_SUCCESS))
    cuttle::fuzz::invariant_failed(__FILE__, __LINE__, "status and addresses disagree");
  if (a.empty() && set.ttl_seconds != 0) cuttle::fuzz::invariant_failed(__FILE__, __LINE__, "a TTL without addresses");
  for (const auto& address : a)
    if (address.is_v4() != (type == ns_t_a)) cuttle::fuzz::invariant_failed(__FILE__, __LINE__, "wrong family");
}

void check_hosts(std::string_view text) {
  std::istringstream in{std::string(text)};
  const auto hosts = dns::parse_hosts_file(in, ".example.org");
  for (const auto& [name, address] : hosts.addresses) {
    if (name.empty() || name.find_first_of(" \t\r\n#") != std::string::npos)
      cuttle::fuzz::invariant_failed(__FILE__, __LINE__, "a name with a blank or comment");
    if (std::any_of(name.begin(), name.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
      cuttle::fuzz::invariant_failed(__FILE__, __LINE__, "a name not lowercased");
  }
}

}  // namespace

CUTTLE_FUZZ_TARGET(dns_answer) {
  check_answer(ns_t_a, data, size);
  check_answer(ns_t_aaaa, data, size);
  check_hosts(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
