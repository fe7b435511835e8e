// proxy_auth and proxy_auth_regex: the authenticated user's name. Until the
// credentials are checked they cannot answer, and without valid credentials the
// whole check ends with a challenge.
#pragma once

#include "proxy/config/acl/acl.h"
#include "proxy/config/acl/regex_list.h"

#include <string>
#include <vector>

namespace cuttle {

// User names as Squid's ACLUserData reads them (proxy_auth, ext_user): -i makes
// every name (earlier ones too) compare without case; REQUIRED means any user.
class UserNames {
 public:
  void parse(const std::vector<std::string>& values);
  bool matches(const std::string& user) const;
  bool empty() const { return !any_user_ && names_.empty(); }

 private:
  bool any_user_ = false;     // REQUIRED
  bool ignore_case_ = false;  // -i: names compared without case
  std::vector<std::string> names_;
};

class UserAcl : public AclData {
 public:
  bool takes_case_flags() const override { return true; }
  void parse(const AclLine& line) override { names_.parse(line.values); }
  AclMatch match(const RequestFacts& facts) const override;
  bool empty() const override { return names_.empty(); }
  bool is_auth() const override { return true; }
  void add_needs(AclNeeds& needs) const override { needs.credentials_or_helper = true; }

 private:
  UserNames names_;
};

class UserRegexAcl : public AclData {
 public:
  bool takes_case_flags() const override { return true; }
  void parse(const AclLine& line) override { patterns_.add_line(line.values); }
  AclMatch match(const RequestFacts& facts) const override;
  bool empty() const override { return patterns_.empty(); }
  bool is_auth() const override { return true; }
  void add_needs(AclNeeds& needs) const override { needs.credentials_or_helper = true; }

 private:
  RegexList patterns_;
};

// `max_user_ip [-s] N`: the user was seen from more than N addresses within
// authenticate_ip_ttl. As Squid, a match forgets the user's addresses (so the
// user can move machines), or with -s only this one (the others keep working).
// It authenticates first (a challenge without credentials), but a denial it
// decides is a 403, not a challenge, as in Squid 5.7.
class MaxUserIpAcl : public AclData {
 public:
  std::vector<std::string_view> options() const override { return {"-s"}; }
  void parse(const AclLine& line) override;
  AclMatch match(const RequestFacts& facts) const override;
  bool empty() const override { return maximum_ == 0; }
  void add_needs(AclNeeds& needs) const override { needs.credentials_or_helper = true; }

 private:
  unsigned maximum_ = 0;
  bool strict_ = false;
};

// What authentication decides before the user's name is looked at.
AclMatch authentication_answer(const AuthFacts& auth);

}  // namespace cuttle
