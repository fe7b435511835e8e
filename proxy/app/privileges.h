// cache_effective_user / cache_effective_group, as squid 5.7's leave_suid: started
// as root, cuttle binds its ports, then becomes that user for good (its groups, or
// cache_effective_group alone) before it opens logs and stores, so every file it
// makes belongs to that user. It refuses to go on as root, as squid refuses.
#pragma once

#include "proxy/config/config.h"

#include <optional>
#include <string>
#include <sys/types.h>

namespace cuttle {

struct EffectiveIds {
  std::string user;
  uid_t uid = 0;
  gid_t gid = 0;
  bool own_groups = true;  // the user's supplementary groups (no cache_effective_group)
  std::string home;
  // tcp_outgoing_mark: CAP_NET_ADMIN is kept through the change (SO_MARK needs
  // it), as squid keeps it; every other privilege goes.
  bool keep_net_admin = false;
};

// Who to become: nullopt when not started as root. Throws std::runtime_error with
// squid's words when the user or group does not exist.
std::optional<EffectiveIds> effective_ids(const Config& config);

// Gives up root for good. Throws std::runtime_error when a call fails or when the
// process would still be root ("Don't run Squid as root, set 'cache_effective_user'!").
void drop_privileges(const EffectiveIds& ids);

// Creates the missing directories of `path` (root still), each given to the user
// cuttle becomes, so that it can work in them afterwards (the pid file's).
void make_directories_for(const std::string& path, const EffectiveIds& ids);

// Not root: cache_effective_group alone applies, as squid's leave_suid tries it
// (a failure is a warning on stderr).
void apply_effective_group(const Config& config);

}  // namespace cuttle
