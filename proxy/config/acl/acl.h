// Squid ACLs: named sets of request, connection or reply properties. Each type's
// values and matching live in an AclData of their own (acl_types.h lists them);
// matching is pure: it sees only the RequestFacts it is given.
#pragma once

#include "proxy/config/acl/facts.h"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace cuttle {

// An ACL's answer. Authentication ACLs may not know yet (the credentials are
// unchecked), or may end the whole check with a challenge (no valid credentials),
// as Squid's ACCESS_AUTH_REQUIRED does whatever the rule says. An external ACL
// may need its helper asked first (NeedsLookup), or end the check undecided when
// the helper could not answer (Unknown: Squid's ACCESS_DUNNO, a denial).
enum class AclMatch { No, Yes, NeedsAuthentication, AuthRequired, NeedsLookup, Unknown };

// Whether the answer ends the evaluation of the rules (the check stops there).
inline bool ends_check(AclMatch m) { return m != AclMatch::No && m != AclMatch::Yes; }

// What has to be gathered before some ACLs can be checked.
struct AclNeeds {
  bool destinations = false;  // `dst`: the destination's addresses (DNS)
  bool client_connections = false;  // maxconn: the client's open connections
  bool client_name = false;  // srcdomain, srcdom_regex: the client's name (a reverse lookup)
  bool client_mac = false;   // arp: the client's Ethernet address (the kernel's ARP table)
  // proxy_auth, proxy_auth_regex, max_user_ip, external: checked credentials or a
  // helper's answer, which only http_access-like rules wait for.
  bool credentials_or_helper = false;
  std::set<std::string> request_headers, reply_headers;  // lowercase names

  void add(const AclNeeds& other);
};

class Acl;
class AclRegistry;
struct ExternalAclType;

// One acl line's words after NAME and TYPE, the leading options taken out.
struct AclLine {
  std::vector<std::string> values;  // as written, -i/+i left in place for the types that take them
  std::set<std::string> options;    // "-n", "-s", ... (those the type accepts)
  const AclRegistry* registry = nullptr;  // for ACLs made of other ACLs
};

// One ACL type's values and how they match.
class AclData {
 public:
  virtual ~AclData() = default;
  // The leading options Squid 5.7 accepts for the type ("-n", "-s"); others are refused.
  virtual std::vector<std::string_view> options() const { return {}; }
  // Whether -i / +i may appear among the values (regex and user-name types).
  virtual bool takes_case_flags() const { return false; }
  // Adds one line's values; throws std::invalid_argument with a message fit for
  // "file:line: message" when a value is malformed.
  virtual void parse(const AclLine& line) = 0;
  virtual AclMatch match(const RequestFacts& facts) const = 0;
  // As match(), and says which ACL answered last when that is one of its members
  // (all-of, any-of): Squid's AclMatchedName, for deny_info and challenges.
  virtual AclMatch match_naming(const RequestFacts& facts, const Acl*& /*last*/) const { return match(facts); }
  virtual bool empty() const = 0;
  virtual void add_needs(AclNeeds&) const {}
  // proxy_auth and proxy_auth_regex: a denial they decide asks for credentials.
  virtual bool is_auth() const { return false; }
  // Whether `other` is one of its members, directly or not (all-of, any-of).
  virtual bool contains(const AclData& /*other*/) const { return false; }
};

class Acl {
 public:
  Acl(std::string name, std::string type, std::unique_ptr<AclData> data)
      : name_(std::move(name)), type_(std::move(type)), data_(std::move(data)) {}

  const std::string& name() const { return name_; }
  const std::string& type() const { return type_; }  // Squid's name for it ("localip" for myip)

  // Adds one acl line's words after NAME and TYPE; throws std::invalid_argument.
  void parse(const std::vector<std::string>& words, const AclRegistry* registry = nullptr);

  AclMatch match(const RequestFacts& facts) const { return data_->match(facts); }
  // As match(); `last` is set to the ACL that answered last (this one, or a member).
  AclMatch match_naming(const RequestFacts& facts, const Acl*& last) const {
    last = this;
    return data_->match_naming(facts, last);
  }
  bool matches(const RequestFacts& facts) const { return match(facts) == AclMatch::Yes; }
  bool empty() const { return data_->empty(); }
  AclNeeds needs() const;
  bool needs_destinations() const { return needs().destinations; }
  bool is_auth() const { return data_->is_auth(); }
  const AclData& data() const { return *data_; }

 private:
  std::string name_;
  std::string type_;
  std::unique_ptr<AclData> data_;
};

// All ACLs by name (compared without case, as Squid does), with Squid 5.7's
// predefined ones (all, localhost, to_localhost, manager, CONNECT) present from
// the start.
class AclRegistry {
 public:
  AclRegistry();
  // Rules point into the registry, so it moves but never copies.
  AclRegistry(AclRegistry&&) = default;
  AclRegistry& operator=(AclRegistry&&) = default;
  AclRegistry(const AclRegistry&) = delete;
  AclRegistry& operator=(const AclRegistry&) = delete;

  Acl* find(std::string_view name);
  const Acl* find(std::string_view name) const;
  // Throws std::invalid_argument for a type Squid 5.7 does not have or cuttle
  // does not implement.
  Acl& add(std::string name, std::string_view type);
  // Everything the defined ACLs need, for the facts built for every request.
  AclNeeds needs() const;

  // The external_acl_type definitions `external` ACLs name (by exact name).
  void add_external_type(std::shared_ptr<const ExternalAclType> type);
  std::shared_ptr<const ExternalAclType> external_type(std::string_view name) const;
  const std::vector<std::shared_ptr<const ExternalAclType>>& external_types() const { return external_types_; }

 private:
  std::map<std::string, std::unique_ptr<Acl>, std::less<>> acls_;  // by lowercase name
  std::vector<std::shared_ptr<const ExternalAclType>> external_types_;
};

}  // namespace cuttle
