// coredump_dir: squid 5.7 chdir()s to it at start-up and at each reconfigure
// (main.cc's mainSetCwd), so core files land there, and helpers it starts and
// relative paths it opens afterwards (logs, cache_dir) see it as their directory.
#pragma once

#include "proxy/config/config.h"

namespace cuttle {

// Changes to config.coredump_dir when one is set; a directory that cannot be
// entered is reported on stderr and the current one kept, as squid does.
void enter_coredump_dir(const Config& config);

}  // namespace cuttle
