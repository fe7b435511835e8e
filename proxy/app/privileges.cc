#include "proxy/app/privileges.h"

#include <grp.h>
#include <pwd.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <stdexcept>

namespace cuttle {
namespace {

std::optional<gid_t> group_id(const std::string& name) {
  if (const group* found = ::getgrnam(name.c_str())) return found->gr_gid;
  return std::nullopt;
}

[[noreturn]] void failed(const std::string& call) {
  throw std::runtime_error("cannot give up root: " + call + ": " + std::strerror(errno));
}

// After setresuid with PR_SET_KEEPCAPS: CAP_NET_ADMIN alone, permitted and effective.
void keep_only_net_admin() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  data[CAP_TO_INDEX(CAP_NET_ADMIN)].permitted = data[CAP_TO_INDEX(CAP_NET_ADMIN)].effective =
      CAP_TO_MASK(CAP_NET_ADMIN);
  if (::syscall(SYS_capset, &header, data) != 0) failed("capset(CAP_NET_ADMIN)");
  ::prctl(PR_SET_KEEPCAPS, 0);
}

}  // namespace

namespace {

// SO_MARK (tcp_outgoing_mark) and IP_TRANSPARENT (tproxy ports, which reach servers
// from the client's address) need CAP_NET_ADMIN after root is given up.
bool needs_net_admin(const Config& config) {
  return !config.outgoing.marks.empty() ||
         std::any_of(config.http_ports.begin(), config.http_ports.end(), [](const auto& p) { return p.tproxy; });
}

}  // namespace

std::optional<EffectiveIds> effective_ids(const Config& config) {
  if (::geteuid() != 0) return std::nullopt;
  const passwd* user = ::getpwnam(config.effective_user.c_str());
  if (!user)
    throw std::runtime_error("getpwnam failed to find userid for effective user '" + config.effective_user +
                             "' (cache_effective_user)");
  EffectiveIds ids{config.effective_user, user->pw_uid, user->pw_gid, true, user->pw_dir ? user->pw_dir : "",
                   needs_net_admin(config)};
  if (!config.effective_group.empty()) {
    const auto gid = group_id(config.effective_group);
    if (!gid)
      throw std::runtime_error("getgrnam failed to find groupid for effective group '" + config.effective_group +
                               "' (cache_effective_group)");
    ids.gid = *gid;
    ids.own_groups = false;
  }
  return ids;
}

void drop_privileges(const EffectiveIds& ids) {
  if (ids.own_groups) {
    if (::initgroups(ids.user.c_str(), ids.gid) != 0) failed("initgroups");
  } else if (::setgroups(1, &ids.gid) != 0) {
    failed("setgroups");
  }
  if (::setresgid(ids.gid, ids.gid, ids.gid) != 0) failed("setresgid");
  if (ids.keep_net_admin && ::prctl(PR_SET_KEEPCAPS, 1) != 0) failed("prctl(PR_SET_KEEPCAPS)");
  if (::setresuid(ids.uid, ids.uid, ids.uid) != 0) failed("setresuid");  // saved uid too: for good
  if (ids.keep_net_admin) keep_only_net_admin();
  if (::geteuid() == 0 || ::getuid() == 0)
    throw std::runtime_error("Don't run Squid as root, set 'cache_effective_user'! (as squid: '" + ids.user +
                             "' is root)");
  if (!ids.home.empty()) ::setenv("HOME", ids.home.c_str(), 1);  // helpers see the user's home, as squid sets it
  ::prctl(PR_SET_DUMPABLE, 1);  // core dumps stay possible after the change (squid does the same)
}

void make_directories_for(const std::string& path, const EffectiveIds& ids) {
  std::filesystem::path missing;
  for (const auto& part : std::filesystem::path(path).parent_path()) {
    missing /= part;
    std::error_code ec;
    if (std::filesystem::exists(missing, ec)) continue;
    if (!std::filesystem::create_directory(missing, ec) || ::chown(missing.c_str(), ids.uid, ids.gid) != 0) return;
  }
}

void apply_effective_group(const Config& config) {
  if (config.effective_group.empty()) return;
  const auto gid = group_id(config.effective_group);
  if (!gid || ::setgid(*gid) != 0)
    std::cerr << "cuttle: ALERT: setgid to cache_effective_group '" << config.effective_group
              << "': " << (gid ? std::strerror(errno) : "no such group") << " (as squid, going on)" << std::endl;
}

}  // namespace cuttle
