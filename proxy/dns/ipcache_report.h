// The cache manager's ipcache page, laid out as squid 5.7's stat_ipcache_get.
#pragma once

#include "proxy/dns/address_cache.h"

#include <string>

namespace cuttle::dns {

std::string ipcache_report(const IpcacheSnapshot& snapshot);

}  // namespace cuttle::dns
