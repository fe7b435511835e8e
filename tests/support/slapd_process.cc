#include "tests/support/slapd_process.h"

#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>

namespace cuttle::testing {

namespace {

std::string config(const std::string& dir) {
  return "include /etc/ldap/schema/core.schema\n"
         "include /etc/ldap/schema/cosine.schema\n"
         "include /etc/ldap/schema/inetorgperson.schema\n"
         "modulepath /usr/lib/ldap\n"
         "moduleload back_mdb\n"
         "pidfile " + dir + "/slapd.pid\n"
         "database mdb\n"
         "maxsize 10485760\n"
         "suffix \"" + SlapdProcess::kSuffix + "\"\n"
         "rootdn \"cn=admin," + SlapdProcess::kSuffix + "\"\n"
         "rootpw admin\n"
         "directory " + dir + "/db\n";
}

std::string person_dn(const std::string& uid) { return "uid=" + uid + "," + SlapdProcess::kPeople; }

std::string directory(const std::vector<LdapPerson>& people) {
  std::string ldif = std::string("dn: ") + SlapdProcess::kSuffix +
                     "\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example\n\n"
                     "dn: " + SlapdProcess::kPeople + "\nobjectClass: organizationalUnit\nou: people\n\n"
                     "dn: " + SlapdProcess::kGroups + "\nobjectClass: organizationalUnit\nou: groups\n\n";
  std::map<std::string, std::set<std::string>> members;
  for (const auto& p : people) {
    ldif += "dn: " + person_dn(p.uid) + "\nobjectClass: inetOrgPerson\nuid: " + p.uid + "\ncn: " + p.uid +
            "\nsn: " + p.uid + "\nuserPassword: " + p.password + "\n\n";
    for (const auto& g : p.groups) members[g].insert(person_dn(p.uid));
  }
  for (const auto& [group, dns] : members) {
    ldif += "dn: cn=" + group + "," + SlapdProcess::kGroups + "\nobjectClass: groupOfNames\ncn: " + group + "\n";
    for (const auto& dn : dns) ldif += "member: " + dn + "\n";
    ldif += "\n";
  }
  return ldif;
}

}  // namespace

bool SlapdProcess::available() { return std::filesystem::exists("/usr/sbin/slapd") && std::filesystem::exists("/usr/sbin/slapadd"); }

SlapdProcess::SlapdProcess(const std::vector<LdapPerson>& people) : dir_("cuttle-slapd") {
  std::filesystem::create_directories(dir_.file("db"));
  dir_.write("slapd.conf", config(dir_.path()));
  dir_.write("directory.ldif", directory(people));
  // Loaded offline before the server starts: nothing to wait for but the port.
  auto loaded = run_command({"/usr/sbin/slapadd", "-f", dir_.file("slapd.conf"), "-l", dir_.file("directory.ldif")});
  if (loaded.exit_code != 0) throw std::runtime_error("slapadd failed: " + loaded.output);
  port_ = free_port();
  // -d 0: in the foreground, so the test owns the process.
  process_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{"/usr/sbin/slapd", "-d", "0", "-f", dir_.file("slapd.conf"), "-h",
                               "ldap://127.0.0.1:" + std::to_string(port_) + "/"},
      dir_.file("slapd.out"));
  if (!wait_for_port(port_, std::chrono::seconds(10)))
    throw std::runtime_error("slapd did not start: " + process_->output());
}

}  // namespace cuttle::testing
