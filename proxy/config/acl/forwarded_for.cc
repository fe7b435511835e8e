#include "proxy/config/acl/forwarded_for.h"

#include <optional>

namespace cuttle {
namespace {

bool separator(char c) { return c == ',' || c == ' ' || c == '\t'; }

// The last entry of `list` (which loses it), or nothing when none is left.
std::optional<std::string_view> take_last(std::string_view& list) {
  while (!list.empty() && separator(list.back())) list.remove_suffix(1);
  if (list.empty()) return std::nullopt;
  size_t start = list.size();
  while (start > 0 && !separator(list[start - 1])) --start;
  auto entry = list.substr(start);
  list = list.substr(0, start);
  return entry;
}

}  // namespace

boost::asio::ip::address indirect_client(const std::vector<AccessRule>& rules, RequestFacts facts,
                                         std::string_view forwarded_for) {
  for (;;) {
    if (check_access(rules, facts) != AccessDecision::Allow) return facts.client;
    const auto entry = take_last(forwarded_for);
    if (!entry) return facts.client;
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(std::string(*entry), ec);
    if (ec) return facts.client;  // "unknown", a name, "1.2.3.4:80": the hop that sent it is the client
    facts.client = normalize_address(address);
  }
}

}  // namespace cuttle
