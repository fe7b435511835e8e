#include "tests/support/private_network.h"

#include "tests/support/child_process.h"

#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace cuttle::testing {
namespace {

std::string system_error(const std::string& what) { return what + ": " + std::strerror(errno); }

// Replaces `target` for this mount namespace with a file holding `text`.
std::string bind_file(const std::string& target, const std::string& text) {
  const std::string source = "/tmp/cuttle-netns-" + std::to_string(::getpid()) + "-" +
                             target.substr(target.rfind('/') + 1);
  std::ofstream(source) << text;
  ::chmod(source.c_str(), 0644);  // squid reads it as the `proxy` user
  // The file stays: a second test in the same process mounts it again, and a
  // target whose bound file was deleted cannot be mounted over.
  if (::mount(source.c_str(), target.c_str(), nullptr, MS_BIND, nullptr) != 0)
    return system_error("bind-mounting " + target);
  return "";
}

std::string run(const std::vector<std::string>& argv) {
  auto result = run_command(argv);
  if (result.exit_code == 0) return "";
  std::string line;
  for (const auto& a : argv) line += a + " ";
  return line + "failed: " + result.output;
}

}  // namespace

std::string enter_private_network(const PrivateNetwork& network) {
  if (::unshare(CLONE_NEWNET | CLONE_NEWNS) != 0) return system_error("unshare(CLONE_NEWNET | CLONE_NEWNS)");
  // Mounts made here must not propagate back to the machine's namespace.
  if (::mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return system_error("making / private");
  if (auto error = run({"ip", "link", "set", "lo", "up"}); !error.empty()) return error;
  for (const auto& address : network.addresses) {
    const bool v6 = address.find(':') != std::string::npos;
    if (auto error = run({"ip", "addr", "add", address + (v6 ? "/128" : "/32"), "dev", "lo"}); !error.empty())
      return error;
  }
  if (auto error = bind_file("/etc/hosts", network.hosts); !error.empty()) return error;
  // No resolver answers inside: every name a test uses is in the hosts file.
  return bind_file("/etc/resolv.conf", "nameserver 127.0.0.1\n");
}

}  // namespace cuttle::testing
