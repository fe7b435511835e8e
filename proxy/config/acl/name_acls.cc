#include "proxy/config/acl/name_acls.h"

#include "proxy/config/ascii_case.h"

#include <algorithm>
#include <iterator>
#include <stdexcept>
#include <utility>

namespace cuttle {
namespace {

// Squid 5.7's hier_code names (src/hier_code.h), compared exactly; CD_* need a
// cache-digest build, which Debian's squid is not.
constexpr std::string_view kHierarchyCodes[] = {
    "HIER_NONE",       "HIER_DIRECT",      "SIBLING_HIT",     "PARENT_HIT",          "DEFAULT_PARENT",
    "SINGLE_PARENT",   "FIRSTUP_PARENT",   "FIRST_PARENT_MISS", "CLOSEST_PARENT_MISS", "CLOSEST_PARENT",
    "CLOSEST_DIRECT",  "NO_DIRECT_FAIL",   "SOURCE_FASTEST",  "ROUNDROBIN_PARENT",   "CARP",
    "ANY_OLD_PARENT",  "USERHASH_PARENT",  "SOURCEHASH_PARENT", "PINNED",            "ORIGINAL_DST",
    "STANDBY_POOL"};

constexpr uint32_t kAllInitiators = 0xFFFFFFFFu;
// Squid's InternalInitiators(): not client, htcp, asn or server.
constexpr uint32_t kInternalInitiators = (1u << 1) | (1u << 2) | (1u << 3) | (1u << 4) | (1u << 6) | (1u << 7) |
                                         (1u << 9) | (1u << 10) | (1u << 11) | (1u << 12);

constexpr std::pair<std::string_view, uint32_t> kInitiators[] = {
    {"client", 1u << 0},        {"peer-pool", 1u << 1}, {"certificate-fetching", 1u << 2}, {"esi", 1u << 3},
    {"cache-digest", 1u << 4},  {"htcp", 1u << 5},      {"icp", 1u << 6},                  {"icmp", 1u << 7},
    {"asn", 1u << 8},           {"ipc", 1u << 9},       {"adaptation", 1u << 10},          {"icon", 1u << 11},
    {"peer-mcast", 1u << 12},   {"server", 1u << 13},   {"internal", kInternalInitiators}, {"all", kAllInitiators}};

}  // namespace

bool is_squid_protocol(std::string_view name) {
  // Squid 5.7's AnyP::ProtocolType names, which `proto` compares without case.
  static constexpr std::string_view kNames[] = {"none",   "http", "ftp",          "https", "coap", "coaps",
                                                "gopher", "wais", "cache_object", "icp",   "htcp", "urn",
                                                "whois",  "icy",  "tls",          "ssl",   "authority_form"};
  const auto lower = ascii_lowercase(name);
  return std::find(std::begin(kNames), std::end(kNames), lower) != std::end(kNames);
}

void NameAcl::parse(const AclLine& line) {
  for (const auto& value : line.values) {
    if (subject_ == Subject::HierarchyCode &&
        std::find(std::begin(kHierarchyCodes), std::end(kHierarchyCodes), value) == std::end(kHierarchyCodes))
      throw std::invalid_argument("no such hier_code '" + value + "' (Squid's names: HIER_DIRECT, PARENT_HIT, ...)");
    names_.push_back(subject_ == Subject::Protocol ? ascii_lowercase(value) : value);
  }
}

std::string NameAcl::subject_name(const RequestFacts& f) const {
  switch (subject_) {
    case Subject::Method: return f.method;
    // Squid 5.7 leaves the scheme of a CONNECT request unset: NONE.
    case Subject::Protocol: return f.method == "CONNECT" ? "none" : ascii_lowercase(f.scheme);
    case Subject::PortName: return f.connection.port_name;
    case Subject::HierarchyCode: return f.hierarchy.empty() ? "HIER_NONE" : f.hierarchy;
  }
  return {};
}

AclMatch NameAcl::match(const RequestFacts& facts) const {
  const auto name = subject_name(facts);
  if (name.empty()) return AclMatch::No;
  return std::find(names_.begin(), names_.end(), name) != names_.end() ? AclMatch::Yes : AclMatch::No;
}

void InitiatorAcl::parse(const AclLine& line) {
  for (const auto& value : line.values) {
    auto it = std::find_if(std::begin(kInitiators), std::end(kInitiators),
                           [&](const auto& entry) { return entry.first == value; });
    if (it == std::end(kInitiators)) throw std::invalid_argument("invalid transaction_initiator value '" + value + "'");
    initiators_ |= it->second;
  }
}

AclMatch InitiatorAcl::match(const RequestFacts& facts) const {
  return (static_cast<uint32_t>(facts.initiator) & initiators_) != 0 ? AclMatch::Yes : AclMatch::No;
}

void HasAcl::parse(const AclLine& line) {
  if (line.values.empty()) throw std::invalid_argument("\"has\" acl argument missing");
  if (line.values.size() > 1) throw std::invalid_argument("multiple components not supported for \"has\" acl");
  const auto& component = line.values.front();
  if (component != "request" && component != "response" && component != "ALE")
    throw std::invalid_argument("unsupported component '" + component + "' for 'has' acl");
  components_.push_back(component);
}

// Every check cuttle makes has the request and what access.log records about it
// (Squid's ALE); the reply only in http_reply_access.
AclMatch HasAcl::match(const RequestFacts& facts) const {
  const bool any = std::any_of(components_.begin(), components_.end(), [&](const std::string& c) {
    return c != "response" || facts.reply.has_value();
  });
  return any ? AclMatch::Yes : AclMatch::No;
}

}  // namespace cuttle
