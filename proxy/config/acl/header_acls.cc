#include "proxy/config/acl/header_acls.h"

#include "proxy/config/ascii_case.h"

#include <algorithm>
#include <stdexcept>

namespace cuttle {

// Squid ignores a line without a header name, or naming another header than the
// ACL's first line, with an ERROR; a rule that silently matches less is not
// something cuttle runs, so both refuse the file.
void HeaderAcl::parse(const AclLine& line) {
  if (line.values.empty()) throw std::invalid_argument("missing header name");
  const auto name = ascii_lowercase(line.values.front());
  if (!header_.empty() && name != header_)
    throw std::invalid_argument("cannot match both " + header_ + " and " + name +
                                " headers (use an any-of ACL over two ACLs, as Squid says)");
  header_ = name;
  patterns_.add_line({line.values.begin() + 1, line.values.end()});
}

AclMatch HeaderAcl::match(const RequestFacts& facts) const {
  const HeaderFacts* headers = &facts.headers;
  if (message_ == Message::Reply) {
    if (!facts.reply) return AclMatch::No;  // Squid: "used in context without an HTTP response"
    headers = &facts.reply->headers;
  }
  const auto value = headers->squid_value(header_);
  return value && patterns_.search(*value) ? AclMatch::Yes : AclMatch::No;
}

void HeaderAcl::add_needs(AclNeeds& needs) const {
  if (message_ == Message::Request) {
    needs.request_headers.insert(header_);
    return;
  }
  needs.reply_headers.insert(header_);
}

}  // namespace cuttle
