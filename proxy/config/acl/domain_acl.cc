#include "proxy/config/acl/domain_acl.h"

#include "proxy/config/ascii_case.h"

#include <algorithm>

namespace cuttle {

bool domain_matches(std::string_view pattern, std::string_view host) {
  if (!pattern.empty() && pattern.front() == '.') {
    auto bare = pattern.substr(1);
    if (host == bare) return true;
    return host.size() > pattern.size() && host.substr(host.size() - pattern.size()) == pattern;
  }
  return host == pattern;
}

void DomainAcl::parse(const AclLine& line) {
  for (const auto& value : line.values) {
    domains_.push_back(ascii_lowercase(value));
  }
}

AclMatch DomainAcl::match(const RequestFacts& f) const {
  const bool any =
      std::any_of(domains_.begin(), domains_.end(), [&](const std::string& d) { return domain_matches(d, f.host); });
  return any ? AclMatch::Yes : AclMatch::No;
}

}  // namespace cuttle
