// all-of and any-of: ACLs made of other ACLs (each name may carry "!"). Each
// all-of line is one AND; several lines are ORed in the order written. any-of
// lines all add to one OR. Members are looked at left to right and stop as a
// rule line does, so an authentication member can ask for credentials.
#pragma once

#include "proxy/config/acl/access_rules.h"

#include <vector>

namespace cuttle {

class CombinedAcl : public AclData {
 public:
  enum class Kind { AllOf, AnyOf };
  explicit CombinedAcl(Kind kind) : kind_(kind) {}

  void parse(const AclLine& line) override;
  AclMatch match(const RequestFacts& facts) const override;
  AclMatch match_naming(const RequestFacts& facts, const Acl*& last) const override;
  bool empty() const override { return lines_.empty(); }
  void add_needs(AclNeeds& needs) const override;
  bool contains(const AclData& other) const override;

 private:
  AclMatch match_all(const std::vector<AclReference>& members, const RequestFacts& facts, const Acl*& last) const;
  AclMatch match_any(const std::vector<AclReference>& members, const RequestFacts& facts, const Acl*& last) const;
  Kind kind_;
  std::vector<std::vector<AclReference>> lines_;  // any-of: a single list
};

}  // namespace cuttle
