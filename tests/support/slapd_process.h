// A real OpenLDAP server (Debian's slapd) on a loopback port, with a small
// directory: people with passwords and groups of them, for Squid's LDAP helpers
// (basic_ldap_auth, ext_ldap_group_acl). Anonymous clients may search and bind.
#pragma once

#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace cuttle::testing {

struct LdapPerson {
  std::string uid, password;
  std::vector<std::string> groups;  // cn of each groupOfNames it is a member of
};

class SlapdProcess {
 public:
  static constexpr const char* kSuffix = "dc=example,dc=org";
  static constexpr const char* kPeople = "ou=people,dc=example,dc=org";
  static constexpr const char* kGroups = "ou=groups,dc=example,dc=org";

  explicit SlapdProcess(const std::vector<LdapPerson>& people);
  static bool available();

  unsigned short port() const { return port_; }

 private:
  TempDir dir_;
  unsigned short port_ = 0;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace cuttle::testing
