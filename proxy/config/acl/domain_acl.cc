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

std::vector<std::string_view> DomainAcl::options() const {
  if (subject_ == Subject::Destination) return {"-n"};
  return {};
}

std::string client_name_or_none(const RequestFacts& facts) {
  return facts.client_name && !facts.client_name->empty() ? ascii_lowercase(*facts.client_name) : "none";
}

AclMatch DomainAcl::match(const RequestFacts& f) const {
  const std::string name = subject_ == Subject::ClientName ? client_name_or_none(f) : std::string();
  const std::string_view subject = subject_ == Subject::ClientName ? std::string_view(name) : std::string_view(f.host);
  const bool any =
      std::any_of(domains_.begin(), domains_.end(), [&](const std::string& d) { return domain_matches(d, subject); });
  return any ? AclMatch::Yes : AclMatch::No;
}

}  // namespace cuttle
