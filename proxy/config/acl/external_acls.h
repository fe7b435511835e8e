// The ACLs that ask an external_acl_type helper, and those that look at what
// such helpers answered: `external` (OK matches; the answer comes from the
// transaction's facts, or the check stops to ask), `ext_user` and
// `ext_user_regex` (the user= a helper gave), `tag` (the first tag=).
#pragma once

#include "proxy/config/acl/acl.h"
#include "proxy/config/acl/auth_acls.h"
#include "proxy/config/acl/regex_list.h"
#include "proxy/config/external_acl_type.h"

#include <memory>
#include <string>
#include <vector>

namespace cuttle {

// `acl NAME external TYPE [ARG...]`
class ExternalAcl : public AclData {
 public:
  void parse(const AclLine& line) override;
  AclMatch match(const RequestFacts& facts) const override;
  bool empty() const override { return false; }
  void add_needs(AclNeeds& needs) const override;
  // With %LOGIN the user must authenticate first: a denial asks for credentials.
  bool is_auth() const override { return type_ && type_->requires_login; }

  const ExternalAclType& type() const { return *type_; }
  // %DATA: the arguments, each quoted as the type's protocol wants, blank-separated.
  const std::string& data() const { return data_; }

 private:
  std::shared_ptr<const ExternalAclType> type_;
  std::string data_;
};

class ExternalUserAcl : public AclData {
 public:
  bool takes_case_flags() const override { return true; }
  void parse(const AclLine& line) override { names_.parse(line.values); }
  AclMatch match(const RequestFacts& facts) const override;
  bool empty() const override { return names_.empty(); }

 private:
  UserNames names_;
};

class ExternalUserRegexAcl : public AclData {
 public:
  bool takes_case_flags() const override { return true; }
  void parse(const AclLine& line) override { patterns_.add_line(line.values); }
  AclMatch match(const RequestFacts& facts) const override;
  bool empty() const override { return patterns_.empty(); }

 private:
  RegexList patterns_;
};

// `acl NAME tag VALUE...`: the tag is one of the values (exactly).
class TagAcl : public AclData {
 public:
  void parse(const AclLine& line) override;
  AclMatch match(const RequestFacts& facts) const override;
  bool empty() const override { return values_.empty(); }

 private:
  std::vector<std::string> values_;
};

}  // namespace cuttle
