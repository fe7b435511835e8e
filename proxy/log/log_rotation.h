// Squid's stdio log rotation, shared by access.log and store.log.
#pragma once

#include <string>

namespace cuttle {

// PATH.count-2 -> PATH.count-1 … PATH -> PATH.0 (errors ignored, as Squid's
// FileRename); nothing for count 0 or a path that is not a regular file, such
// as /dev/null.
void rename_numbered(const std::string& path, int count);

}  // namespace cuttle
