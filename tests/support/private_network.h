// Moves the calling test process (and every process it starts afterwards) into
// network and mount namespaces of its own: a loopback interface only, with the
// extra addresses a test needs as clients (10.1.2.3, fd00::5, ...), and its own
// /etc/hosts and /etc/resolv.conf. Nothing sent from there can leave the machine,
// so a proxy under test may "fetch" any name: the hosts file points it at loopback.
// Needs root (CAP_SYS_ADMIN), as CI has.
#pragma once

#include <string>
#include <vector>

namespace cuttle::testing {

struct PrivateNetwork {
  std::vector<std::string> addresses;  // added to lo, IPv4 or IPv6
  std::string hosts;                   // the text of /etc/hosts inside
};

// Enters the namespaces; returns why it could not ("" on success), so a test can
// fail with the reason.
std::string enter_private_network(const PrivateNetwork& network);

}  // namespace cuttle::testing
