// `acl NAME note [-m[=DELIMITERS]] KEY [VALUE...]`: the transaction has an
// annotation KEY (from a helper's key=value), with one of the VALUEs when given.
// As Squid 5.7 (src/acl/Note.cc) every annotation's value is split at the
// delimiters (',' unless -m= names others) and each piece compared exactly.
#pragma once

#include "proxy/config/acl/acl.h"

#include <string>
#include <vector>

namespace cuttle {

class NoteAcl : public AclData {
 public:
  std::vector<std::string_view> options() const override { return {"-m", "-m="}; }
  void parse(const AclLine& line) override;
  AclMatch match(const RequestFacts& facts) const override;
  bool empty() const override { return key_.empty(); }

 private:
  bool matches_value(std::string_view value) const;

  std::string key_;
  std::vector<std::string> values_;
  std::string delimiters_ = ",";
};

}  // namespace cuttle
