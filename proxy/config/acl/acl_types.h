// The ACL types cuttle implements, by Squid's name for them.
#pragma once

#include "proxy/config/acl/acl.h"

#include <memory>
#include <string>
#include <string_view>

namespace cuttle {

struct MadeAclData {
  std::string type;  // Squid's current name: "localip" for the old "myip", "localport" for "myport"
  std::unique_ptr<AclData> data;
};

// Throws std::invalid_argument for a type Squid 5.7 does not have, or one cuttle
// does not implement yet (the message says which).
MadeAclData make_acl_data(std::string_view type);
// Squid's current name for a type ("localip" for "myip"), known or not.
std::string_view canonical_acl_type(std::string_view type);
// Squid's note when an old type name is read ("UPGRADE: ..."), else empty.
std::string acl_type_upgrade_note(std::string_view type);

}  // namespace cuttle
