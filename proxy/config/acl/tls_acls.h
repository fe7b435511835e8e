// The ACL types SslBump decides with, as squid 5.7 matches them: at_step (which
// ssl_bump step is being evaluated), ssl::server_name and ssl::server_name_regex
// (the name of the server the client is reaching: the CONNECT target, then the
// ClientHello's SNI, then the server certificate's names once known).
#pragma once

#include "proxy/config/acl/acl.h"
#include "proxy/config/acl/regex_list.h"

#include <string>
#include <vector>

namespace cuttle {

class AtStepAcl : public AclData {
 public:
  void parse(const AclLine& line) override;
  AclMatch match(const RequestFacts& facts) const override;
  bool empty() const override { return steps_.empty(); }

 private:
  std::vector<int> steps_;  // 1-3 (SslBump1-3); 4: GeneratingCONNECT, which cuttle never is
};

// Where ssl::server_name takes its names from (its one option).
enum class ServerNameSource { Default, ClientRequested, ServerProvided, Consensus };

class ServerNameAcl : public AclData {
 public:
  std::vector<std::string_view> options() const override;
  void parse(const AclLine& line) override;
  AclMatch match(const RequestFacts& facts) const override;
  bool empty() const override { return domains_.empty(); }

 private:
  ServerNameSource source_ = ServerNameSource::Default;
  std::vector<std::string> domains_;  // lowercase; ".example.com" covers its subdomains
};

class ServerNameRegexAcl : public AclData {
 public:
  std::vector<std::string_view> options() const override;
  bool takes_case_flags() const override { return true; }
  void parse(const AclLine& line) override;
  AclMatch match(const RequestFacts& facts) const override;
  bool empty() const override { return patterns_.empty(); }

 private:
  ServerNameSource source_ = ServerNameSource::Default;
  RegexList patterns_;
};

// The names ssl::server_name compares, as squid's ACLServerNameStrategy: the
// certificate's names when the source allows and they are known, else the SNI
// (the CONNECT host without one), else "none".
std::vector<std::string> tls_server_names(const RequestFacts& facts, ServerNameSource source);

}  // namespace cuttle
