// squid.conf's `note KEY VALUE [[!]ACL…]` lines (squid 5.7 src/Notes.cc): the
// annotations squid adds to a transaction as it logs it (ClientHttpRequest::
// logRequest), which %note shows and `note` ACLs match.
#pragma once

#include "proxy/config/acl/access_rules.h"

#include <string>
#include <vector>

namespace cuttle {

// One key and its lines, in the order written; squid groups the lines of a key
// under the key's first line.
struct ConfigNote {
  struct Value {
    std::string text;  // as written (squid 5.7 expands no %codes here, quoted or not)
    AccessRule acls;   // every ACL must match (a fast check); none: always
  };
  std::string key;
  std::vector<Value> values;
};
using ConfigNotes = std::vector<ConfigNote>;

// Squid's logRequest loop: for each key, the first line whose ACLs match adds
// KEY=VALUE after the annotations the transaction has (helpers' first), so a
// later key's `note` ACL sees an earlier key's annotation.
void annotate_from_config(const ConfigNotes& notes, RequestFacts& facts);

}  // namespace cuttle
