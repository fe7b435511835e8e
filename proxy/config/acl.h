// Squid ACLs: named sets of request properties, and allow/deny rule lists over them.
// Matching is pure: it sees only the RequestFacts it is given.
#pragma once

#include "proxy/config/posix_regex.h"

#include <boost/asio/ip/address.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace cuttle {

// What authentication has found out about the request's credentials.
enum class AuthStatus {
  None,       // no usable credentials (none sent, not decodable, a scheme not configured)
  Unchecked,  // credentials sent, not yet checked: a proxy_auth ACL asks the helper first
  Accepted,   // the helper (or the credentials cache) accepted them
  Refused,    // refused, broken (no password), or the helper failed
};

struct AuthFacts {
  AuthStatus status = AuthStatus::None;
  std::string user;  // as the scheme decoded it (lowercased unless casesensitive)
};

// What an access check may look at for one request.
struct RequestFacts {
  boost::asio::ip::address client;
  std::string method;     // "GET", "CONNECT", ...
  std::string scheme;     // "http", "https", "cache_object"; empty for CONNECT
  std::string host;       // lowercase, without brackets or port
  uint16_t port = 0;
  std::string path;       // origin-form path and query
  // Destination addresses, once resolved (needed only by `dst` ACLs).
  std::optional<std::vector<boost::asio::ip::address>> destinations;
  AuthFacts auth;
};

// An inclusive address range; v4-mapped v6 addresses are compared as v4.
struct IpRange {
  boost::asio::ip::address first, last;
  bool contains(const boost::asio::ip::address& a) const;
};

struct PortRange {
  uint16_t first = 0, last = 0;
};

enum class AclType {
  Src, Dst, DstDomain, DstDomRegex, Port, Method, Proto, UrlRegex, UrlPathRegex, Manager, ProxyAuth, ProxyAuthRegex
};

// An ACL's answer. Authentication ACLs may not know yet (the credentials are
// unchecked), or may end the whole check with a challenge (no valid credentials),
// as Squid's ACCESS_AUTH_REQUIRED does whatever the rule says.
enum class AclMatch { No, Yes, NeedsAuthentication, AuthRequired };

class Acl {
 public:
  Acl(std::string name, AclType type) : name_(std::move(name)), type_(type) {}

  const std::string& name() const { return name_; }
  AclType type() const { return type_; }

  // Adds one value as written in squid.conf; throws std::invalid_argument with a
  // message fit for "file:line: message" when the value is malformed.
  void add_value(std::string_view value, bool case_insensitive = false);

  AclMatch match(const RequestFacts& facts) const;
  bool matches(const RequestFacts& facts) const { return match(facts) == AclMatch::Yes; }
  // True when matching needs RequestFacts::destinations.
  bool needs_destinations() const { return type_ == AclType::Dst; }
  // proxy_auth and proxy_auth_regex: a denial they decide asks for credentials (407).
  bool is_auth() const { return type_ == AclType::ProxyAuth || type_ == AclType::ProxyAuthRegex; }

 private:
  std::string name_;
  AclType type_;
  std::vector<IpRange> ranges_;
  std::vector<std::string> words_;  // domains (lowercase), methods, protocols
  std::vector<PortRange> ports_;
  std::vector<PosixRegex> regexes_;
  bool any_user_ = false;      // proxy_auth REQUIRED
  bool ignore_case_ = false;   // proxy_auth -i: names compared without case
  bool match_user(const std::string& user) const;
  bool matches_request(const RequestFacts& facts) const;  // every type but the authentication ones
};

std::optional<AclType> acl_type_from_name(std::string_view name);
const char* acl_type_name(AclType type);
// Whether `name` is a protocol Squid 5.7's `proto` ACL knows (HTTP, HTTPS,
// CACHE_OBJECT, AUTHORITY_FORM for CONNECT, ...); Squid ignores other words.
bool is_squid_protocol(std::string_view name);
boost::asio::ip::address normalize_address(const boost::asio::ip::address& a);

// All ACLs by name, with Squid 5.7's predefined ones (all, localhost, to_localhost,
// manager, CONNECT) present from the start.
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
  Acl& add(std::string name, AclType type);

 private:
  std::map<std::string, Acl, std::less<>> acls_;
};

struct AclReference {
  const Acl* acl = nullptr;
  bool negated = false;
};

// One `http_access allow|deny [!]acl ...` line: all ACLs must match (logical AND).
struct AccessRule {
  bool allow = false;
  std::vector<AclReference> acls;
  std::string where;
};

enum class AccessDecision { Allow, Deny };

// The outcome of a slow check (one that may authenticate: http_access, cache).
struct AccessVerdict {
  AccessDecision decision = AccessDecision::Deny;
  // Stopped at an ACL that must know whether the credentials are good: check
  // them (auth/authenticate.h) and evaluate again.
  bool needs_authentication = false;
  // A denial that asks for credentials (407, or 401 on accelerator ports): the
  // check ended for want of valid credentials, or the last ACL it looked at was
  // an authentication ACL (Squid's aclIsProxyAuth(AclMatchedName)).
  bool challenge = false;
};

// Squid's rule evaluation: the first rule whose ACLs all match decides (ACLs are
// looked at left to right until one does not match); when none does, the answer
// is the opposite of the last rule's; with no rules at all, deny.
AccessVerdict evaluate_access(const std::vector<AccessRule>& rules, const RequestFacts& facts);
// A fast check: an ACL that cannot answer without authenticating counts as a
// denial (Squid's ACCESS_DUNNO / AUTH_REQUIRED are "not allowed").
AccessDecision check_access(const std::vector<AccessRule>& rules, const RequestFacts& facts);
bool rules_need_destinations(const std::vector<AccessRule>& rules);

}  // namespace cuttle
