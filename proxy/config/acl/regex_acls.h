// The ACL types that match a regular expression against one text of the request
// or reply: url_regex, urlpath_regex, dstdom_regex, srcdom_regex (the client's
// name, "none" without one), browser, referer_regex, req_mime_type and rep_mime_type.
#pragma once

#include "proxy/config/acl/acl.h"
#include "proxy/config/acl/regex_list.h"

#include <optional>

namespace cuttle {

class RegexAcl : public AclData {
 public:
  enum class Subject { Url, UrlPath, Host, ClientName, UserAgent, Referer, RequestContentType, ReplyContentType };
  explicit RegexAcl(Subject subject) : subject_(subject) {}

  std::vector<std::string_view> options() const override;
  bool takes_case_flags() const override { return true; }
  void parse(const AclLine& line) override { patterns_.add_line(line.values); }
  AclMatch match(const RequestFacts& facts) const override;
  bool empty() const override { return patterns_.empty(); }
  void add_needs(AclNeeds& needs) const override;

 private:
  // The text the patterns look at; nullopt when it is missing (no match).
  std::optional<std::string> subject_text(const RequestFacts& facts) const;
  Subject subject_;
  RegexList patterns_;
};

// The URL as Squid shows it to url_regex: default port left out, IPv6 in
// brackets, plain "host:port" for CONNECT.
std::string acl_url(const RequestFacts& facts);
// Squid matches url_regex and urlpath_regex against the %-decoded text (its
// rfc1738_unescape), so "/a%2Eexe" cannot slip past a "\.exe$" rule.
std::string percent_decode(std::string_view s);

}  // namespace cuttle
