// dstdomain: ".example.com" matches the domain and every subdomain, a plain name
// only itself, compared without case. srcdomain: the same over the client's name
// (a reverse lookup), "none" when it has none, as in Squid.
#pragma once

#include "proxy/config/acl/acl.h"

#include <string>
#include <vector>

namespace cuttle {

class DomainAcl : public AclData {
 public:
  enum class Subject { Destination, ClientName };
  explicit DomainAcl(Subject subject = Subject::Destination) : subject_(subject) {}
  // -n (dstdomain): Squid's "no reverse lookup of an address"; cuttle never makes one there.
  std::vector<std::string_view> options() const override;
  void parse(const AclLine& line) override;
  AclMatch match(const RequestFacts& facts) const override;
  bool empty() const override { return domains_.empty(); }
  void add_needs(AclNeeds& needs) const override { needs.client_name = subject_ == Subject::ClientName; }

 private:
  Subject subject_;
  std::vector<std::string> domains_;  // lowercase
};

// The client's name as srcdomain and srcdom_regex see it: "none" without one.
std::string client_name_or_none(const RequestFacts& facts);

bool domain_matches(std::string_view pattern, std::string_view host);

}  // namespace cuttle
