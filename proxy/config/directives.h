// The squid.conf directives cuttle implements: each handler reads its tokens and
// fills the Config. The parser owns lines, files and error locations.
#pragma once

#include "proxy/config/config.h"
#include "proxy/config/config_tokens.h"

#include <string>
#include <string_view>
#include <vector>

namespace cuttle {

struct ParseContext {
  Config& config;
  std::vector<std::string>& warnings;
  std::string where;     // "file:line" of the directive being handled
  std::string base_dir;  // directory of the file being read, for relative paths

  void warn(const std::string& message) { warnings.push_back(where + ": warning: " + message); }
};

using DirectiveHandler = void (*)(DirectiveArgs&, ParseContext&);

// One `[!]NAME` of an ACL list, naming an ACL defined earlier; `directive` names
// the line in the error.
AclReference acl_reference(std::string_view word, const std::string& directive, const ParseContext& ctx);
// `http_access` / `icp_access` / … `allow|deny [!]acl ...`: one rule for `rules`.
void access_rule(DirectiveArgs& args, ParseContext& ctx, std::vector<AccessRule>& rules);

// nullptr when cuttle does not implement the directive.
DirectiveHandler find_directive(std::string_view name);
// True for every directive name Squid 5.7 documents.
bool is_squid_directive(std::string_view name);
// Checks that need the whole file (e.g. at least one http_port); throws DirectiveError.
void validate_config(const Config& config);

}  // namespace cuttle
