#include "proxy/config/acl/external_acls.h"

#include "proxy/config/ascii_case.h"
#include "proxy/log/url_escape.h"

#include <algorithm>
#include <stdexcept>

namespace cuttle {

namespace {

// Squid's makeExternalAclKey: each argument %-encoded (rfc1738_escape), or with
// protocol=2.5 in quotes with \-escapes where it holds a blank (strwordquote).
std::string quoted_arguments(const std::vector<std::string>& args, bool shell) {
  std::string out;
  for (const auto& arg : args) {
    if (!out.empty()) out += ' ';
    out += shell ? shell_quoted(arg) : squid_escape(arg);
  }
  return out;
}

}  // namespace

void ExternalAcl::parse(const AclLine& line) {
  // As Squid: one line per external ACL, naming a type defined above it.
  if (type_) throw std::invalid_argument("an external ACL is defined on one line only");
  if (line.values.empty()) throw std::invalid_argument("external: no external_acl_type named");
  type_ = line.registry ? line.registry->external_type(line.values.front()) : nullptr;
  if (!type_) throw std::invalid_argument("external: unknown external_acl_type '" + line.values.front() + "'");
  const std::vector<std::string> args(line.values.begin() + 1, line.values.end());
  data_ = quoted_arguments(args, type_->shell_quoting);
}

AclMatch ExternalAcl::match(const RequestFacts& facts) const {
  if (type_->requires_login) {
    const auto answer = authentication_answer(facts.auth);
    if (answer != AclMatch::Yes) return answer;
  }
  const ExternalAnswer* answer = facts.external.answer_for(this);
  if (!answer) return AclMatch::NeedsLookup;
  switch (answer->result) {
    case ExternalAnswer::Result::Match: return AclMatch::Yes;
    case ExternalAnswer::Result::NoMatch: return AclMatch::No;
    case ExternalAnswer::Result::Unknown: return AclMatch::Unknown;
  }
  return AclMatch::Unknown;
}

// The reply's headers a format sends (%<h{Name}) must be in the reply's facts.
void ExternalAcl::add_needs(AclNeeds& needs) const {
  needs.credentials_or_helper = true;
  for (const auto& token : type_->format)
    if (token.space.empty() && token.code == "<h" && token.arg) needs.reply_headers.insert(ascii_lowercase(*token.arg));
}

// As Squid's ACLExtUser: no user= yet is a mismatch.
AclMatch ExternalUserAcl::match(const RequestFacts& facts) const {
  const auto& user = facts.external.user;
  return !user.empty() && names_.matches(user) ? AclMatch::Yes : AclMatch::No;
}

AclMatch ExternalUserRegexAcl::match(const RequestFacts& facts) const {
  const auto& user = facts.external.user;
  return !user.empty() && patterns_.search(user) ? AclMatch::Yes : AclMatch::No;
}

void TagAcl::parse(const AclLine& line) { values_.insert(values_.end(), line.values.begin(), line.values.end()); }

AclMatch TagAcl::match(const RequestFacts& facts) const {
  const auto& tag = facts.external.tag;
  return std::find(values_.begin(), values_.end(), tag) != values_.end() ? AclMatch::Yes : AclMatch::No;
}

}  // namespace cuttle
