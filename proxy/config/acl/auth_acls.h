// proxy_auth and proxy_auth_regex: the authenticated user's name. Until the
// credentials are checked they cannot answer, and without valid credentials the
// whole check ends with a challenge.
#pragma once

#include "proxy/config/acl/acl.h"
#include "proxy/config/acl/regex_list.h"

#include <string>
#include <vector>

namespace cuttle {

class UserAcl : public AclData {
 public:
  bool takes_case_flags() const override { return true; }
  void parse(const AclLine& line) override;
  AclMatch match(const RequestFacts& facts) const override;
  bool empty() const override { return !any_user_ && names_.empty(); }
  bool is_auth() const override { return true; }

 private:
  bool any_user_ = false;     // REQUIRED
  bool ignore_case_ = false;  // -i: names compared without case
  std::vector<std::string> names_;
};

class UserRegexAcl : public AclData {
 public:
  bool takes_case_flags() const override { return true; }
  void parse(const AclLine& line) override { patterns_.add_line(line.values); }
  AclMatch match(const RequestFacts& facts) const override;
  bool empty() const override { return patterns_.empty(); }
  bool is_auth() const override { return true; }

 private:
  RegexList patterns_;
};

// What authentication decides before the user's name is looked at.
AclMatch authentication_answer(const AuthFacts& auth);

}  // namespace cuttle
