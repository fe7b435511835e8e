#include "tests/support/kdc_process.h"

#include <filesystem>
#include <sstream>
#include <stdexcept>

namespace cuttle::testing {

namespace {

namespace fs = std::filesystem;

// TCP only (udp_preference_limit), and no DNS: names are what they are.
std::string client_config(unsigned short port) {
  std::ostringstream out;
  out << "[libdefaults]\n  default_realm = " << KdcProcess::kRealm
      << "\n  dns_lookup_kdc = false\n  dns_lookup_realm = false\n  rdns = false\n"
         "  dns_canonicalize_hostname = false\n  udp_preference_limit = 1\n[realms]\n  "
      << KdcProcess::kRealm << " = {\n    kdc = 127.0.0.1:" << port << "\n  }\n[domain_realm]\n  localhost = "
      << KdcProcess::kRealm << "\n";
  return out.str();
}

std::string kdc_config(const TempDir& dir, unsigned short port) {
  std::ostringstream out;
  out << "[kdcdefaults]\n  kdc_ports = " << port << "\n  kdc_tcp_ports = " << port << "\n[realms]\n  "
      << KdcProcess::kRealm << " = {\n    database_name = " << dir.file("principal")
      << "\n    key_stash_file = " << dir.file("stash") << "\n    acl_file = " << dir.file("kadm5.acl")
      << "\n  }\n[logging]\n  kdc = FILE:" << dir.file("kdc.log") << "\n";
  return out.str();
}

}  // namespace

bool KdcProcess::available() {
  return fs::exists("/usr/sbin/krb5kdc") && fs::exists("/usr/sbin/kadmin.local") && fs::exists("/usr/bin/kinit");
}

KdcProcess::KdcProcess(const std::vector<std::string>& users) : dir_("cuttle-kdc") {
  // Squid runs its helpers as `proxy`: the keytab and krb5.conf must be reachable.
  fs::permissions(dir_.path(), fs::perms::others_exec | fs::perms::group_exec, fs::perm_options::add);
  port_ = free_port();
  dir_.write("krb5.conf", client_config(port_));
  dir_.write("kdc.conf", kdc_config(dir_, port_));
  auto created = run_command(with_config({"/usr/sbin/kdb5_util", "create", "-s", "-r", kRealm, "-P", "master"}));
  if (created.exit_code != 0) throw std::runtime_error("kdb5_util create failed: " + created.output);
  for (const auto& user : users) admin("addprinc -randkey " + user);
  admin(std::string("addprinc -randkey ") + kService);
  admin("ktadd -k " + keytab() + " " + kService);
  fs::permissions(keytab(), fs::perms::others_read | fs::perms::group_read, fs::perm_options::add);
  fs::permissions(dir_.file("krb5.conf"), fs::perms::others_read, fs::perm_options::add);
  // -n: in the foreground, so the test owns the process.
  process_ = std::make_unique<ChildProcess>(with_config({"/usr/sbin/krb5kdc", "-n"}), dir_.file("krb5kdc.out"));
  if (!wait_for_port(port_, std::chrono::seconds(10)))
    throw std::runtime_error("krb5kdc did not start: " + process_->output());
}

std::vector<std::string> KdcProcess::with_config(std::vector<std::string> argv, const std::string& credentials) const {
  std::vector<std::string> env{"/usr/bin/env", "KRB5_CONFIG=" + dir_.file("krb5.conf"),
                               "KRB5_KDC_PROFILE=" + dir_.file("kdc.conf")};
  if (!credentials.empty()) env.push_back("KRB5CCNAME=FILE:" + credentials);
  env.insert(env.end(), argv.begin(), argv.end());
  return env;
}

void KdcProcess::admin(const std::string& query) const {
  auto done = run_command(with_config({"/usr/sbin/kadmin.local", "-r", kRealm, "-q", query}));
  if (done.exit_code != 0) throw std::runtime_error("kadmin.local " + query + ": " + done.output);
}

std::string KdcProcess::kinit(const std::string& user) const {
  const auto keys = dir_.file(user + ".keytab"), cache = dir_.file(user + ".cc");
  admin("ktadd -norandkey -k " + keys + " " + user);
  auto got = run_command(with_config({"/usr/bin/kinit", "-k", "-t", keys, user}, cache));
  if (got.exit_code != 0) throw std::runtime_error("kinit " + user + ": " + got.output);
  return cache;
}

}  // namespace cuttle::testing
