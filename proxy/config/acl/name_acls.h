// ACL types over one name of the request or its connection: method, proto,
// myportname, hier_code, transaction_initiator and has.
#pragma once

#include "proxy/config/acl/acl.h"

#include <string>
#include <vector>

namespace cuttle {

class NameAcl : public AclData {
 public:
  enum class Subject { Method, Protocol, PortName, HierarchyCode };
  explicit NameAcl(Subject subject) : subject_(subject) {}

  void parse(const AclLine& line) override;
  AclMatch match(const RequestFacts& facts) const override;
  bool empty() const override { return names_.empty(); }

 private:
  std::string subject_name(const RequestFacts& facts) const;
  Subject subject_;
  std::vector<std::string> names_;  // protocols lowercase; the others exact, as Squid compares them
};

// transaction_initiator client|peer-pool|cache-digest|...|internal|all
class InitiatorAcl : public AclData {
 public:
  void parse(const AclLine& line) override;
  AclMatch match(const RequestFacts& facts) const override;
  bool empty() const override { return false; }  // as Squid: never "empty", with no names it matches nothing

 private:
  uint32_t initiators_ = 0;
};

// has request|response|ALE: whether the check has that part of the transaction.
class HasAcl : public AclData {
 public:
  void parse(const AclLine& line) override;
  AclMatch match(const RequestFacts& facts) const override;
  bool empty() const override { return components_.empty(); }

 private:
  std::vector<std::string> components_;
};

// Whether `name` is a protocol Squid 5.7's `proto` ACL knows (HTTP, HTTPS,
// CACHE_OBJECT, AUTHORITY_FORM for CONNECT, ...); Squid ignores other words.
bool is_squid_protocol(std::string_view name);

}  // namespace cuttle
