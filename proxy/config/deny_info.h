// deny_info: what a denial answers, chosen by the last ACL the deciding rule
// looked at (Squid's AclMatchedName): a redirect to a URL (with %-codes), an
// error page from a template, or a TCP reset.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cuttle {

struct DenyInfo {
  enum class Kind { Redirect, Page, Reset };
  Kind kind = Kind::Page;
  unsigned status = 0;       // "307:URL", "404:ERR_X"; 0: 302 for a URL, the denial's own status for a page
  std::string target;        // the URL template, or the page's name (ERR_ACCESS_DENIED, ERR_MY_PAGE)
  std::string template_text; // a page other than cuttle's own ERR_ACCESS_DENIED: its template, once read
  std::vector<std::string> acls;  // as written: Squid compares the names exactly
  std::string where;

  // The first token of the line as written: what X-Squid-Error names.
  std::string token;
};

// Reads "PAGE ACL..." (the words after deny_info). Throws std::invalid_argument
// for a malformed status prefix, as Squid refuses it.
DenyInfo parse_deny_info(const std::vector<std::string>& words);
// Reads each page's template from the first of `dirs` that has it (once the
// whole file is read, as Squid's errorInitialize); a missing one is Squid's
// "Internal Error: Missing Template NAME".
void load_deny_info_templates(std::vector<DenyInfo>& lines, const std::vector<std::string>& dirs);

// The first deny_info line naming `acl`, or nullptr.
// Without `redirect_allowed`, lines whose page has a ':' are skipped, as Squid
// skips them for denials that must not redirect.
const DenyInfo* find_deny_info(const std::vector<DenyInfo>& lines, std::string_view acl, bool redirect_allowed);

}  // namespace cuttle
