// dstdomain: ".example.com" matches the domain and every subdomain, a plain name
// only itself, compared without case.
#pragma once

#include "proxy/config/acl/acl.h"

#include <string>
#include <vector>

namespace cuttle {

class DomainAcl : public AclData {
 public:
  // -n: Squid's "no reverse lookup of an address"; cuttle never makes one.
  std::vector<std::string_view> options() const override { return {"-n"}; }
  void parse(const AclLine& line) override;
  AclMatch match(const RequestFacts& facts) const override;
  bool empty() const override { return domains_.empty(); }

 private:
  std::vector<std::string> domains_;  // lowercase
};

bool domain_matches(std::string_view pattern, std::string_view host);

}  // namespace cuttle
