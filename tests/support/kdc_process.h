// A real MIT Kerberos KDC (Debian's krb5-kdc) on a loopback port, with a realm
// of its own: users, and the proxy's service principal HTTP/localhost with a
// keytab for Squid's negotiate_kerberos_auth. Nothing outside the test reads its
// krb5.conf: programs get it through `env KRB5_CONFIG=…` (with_config()).
#pragma once

#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"

#include <memory>
#include <string>
#include <vector>

namespace cuttle::testing {

class KdcProcess {
 public:
  static constexpr const char* kRealm = "CUTTLE.TEST";
  static constexpr const char* kService = "HTTP/localhost@CUTTLE.TEST";

  explicit KdcProcess(const std::vector<std::string>& users);
  static bool available();

  // `argv` run through env with this realm's krb5.conf (and `credentials`, a
  // cache from kinit(), as KRB5CCNAME when given).
  std::vector<std::string> with_config(std::vector<std::string> argv, const std::string& credentials = "") const;
  // The service's keys, readable by the proxy user squid runs helpers as.
  std::string keytab() const { return dir_.file("http.keytab"); }
  // A credentials cache holding `user`'s ticket-granting ticket (got with the
  // user's keys, no password typed); its path.
  std::string kinit(const std::string& user) const;
  // An empty credentials cache: a client without a ticket.
  std::string no_ticket() const { return dir_.file("none.cc"); }

 private:
  void admin(const std::string& query) const;

  TempDir dir_;
  unsigned short port_ = 0;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace cuttle::testing
