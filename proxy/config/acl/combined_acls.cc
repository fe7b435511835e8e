#include "proxy/config/acl/combined_acls.h"

#include <stdexcept>

namespace cuttle {
// Members must be defined on earlier lines, as Squid requires.
void CombinedAcl::parse(const AclLine& line) {
  std::vector<AclReference> members;
  for (const auto& value : line.values) {
    std::string_view name = value;
    AclReference ref;
    if (name.starts_with('!')) {
      ref.negated = true;
      name.remove_prefix(1);
    }
    ref.acl = line.registry ? line.registry->find(name) : nullptr;
    if (!ref.acl) throw std::invalid_argument("ACL not found: " + std::string(name));
    if (&ref.acl->data() == this || ref.acl->data().contains(*this))
      throw std::invalid_argument("ACL " + std::string(name) + " would contain itself");
    members.push_back(ref);
  }
  if (kind_ == Kind::AnyOf && !lines_.empty()) {
    lines_.front().insert(lines_.front().end(), members.begin(), members.end());
    return;
  }
  lines_.push_back(std::move(members));
}

AclMatch CombinedAcl::match_all(const std::vector<AclReference>& members, const RequestFacts& facts,
                                const Acl*& last) const {
  for (const auto& ref : members) {
    const auto m = ref.acl->match_naming(facts, last);
    if (ends_check(m)) return m;
    if ((m == AclMatch::Yes) == ref.negated) return AclMatch::No;
  }
  return AclMatch::Yes;  // as Squid: an empty AND matches
}

AclMatch CombinedAcl::match_any(const std::vector<AclReference>& members, const RequestFacts& facts,
                                const Acl*& last) const {
  for (const auto& ref : members) {
    const auto m = ref.acl->match_naming(facts, last);
    if (ends_check(m)) return m;
    if ((m == AclMatch::Yes) != ref.negated) return AclMatch::Yes;
  }
  return AclMatch::No;
}

AclMatch CombinedAcl::match_naming(const RequestFacts& facts, const Acl*& last) const {
  if (kind_ == Kind::AnyOf) return lines_.empty() ? AclMatch::No : match_any(lines_.front(), facts, last);
  for (const auto& line : lines_) {  // all-of lines: ORed, first matching line wins
    const auto m = match_all(line, facts, last);
    if (m != AclMatch::No) return m;
  }
  return AclMatch::No;
}

AclMatch CombinedAcl::match(const RequestFacts& facts) const {
  const Acl* last = nullptr;
  return match_naming(facts, last);
}

void CombinedAcl::add_needs(AclNeeds& needs) const {
  for (const auto& line : lines_)
    for (const auto& ref : line) needs.add(ref.acl->needs());
}

bool CombinedAcl::contains(const AclData& other) const {
  for (const auto& line : lines_)
    for (const auto& ref : line)
      if (&ref.acl->data() == &other || ref.acl->data().contains(other)) return true;
  return false;
}

}  // namespace cuttle
