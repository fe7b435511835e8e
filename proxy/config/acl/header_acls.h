// req_header and rep_header: `acl NAME req_header Header-Name [-i] regex ...`,
// a regular expression over one header's value as Squid joins it.
#pragma once

#include "proxy/config/acl/acl.h"
#include "proxy/config/acl/regex_list.h"

namespace cuttle {

class HeaderAcl : public AclData {
 public:
  enum class Message { Request, Reply };
  explicit HeaderAcl(Message message) : message_(message) {}

  bool takes_case_flags() const override { return false; }  // Squid: -i only after the header name
  void parse(const AclLine& line) override;
  AclMatch match(const RequestFacts& facts) const override;
  bool empty() const override { return header_.empty() || patterns_.empty(); }
  void add_needs(AclNeeds& needs) const override;

 private:
  Message message_;
  std::string header_;  // lowercase
  RegexList patterns_;
};

}  // namespace cuttle
