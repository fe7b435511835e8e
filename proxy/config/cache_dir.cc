#include "proxy/config/cache_dir.h"

#include <cstdlib>
#include <string_view>

namespace cuttle {

namespace {

// Squid's options of each store type that tune its own disk I/O; cuttle's LMDB
// store has nothing they could change.
bool is_squid_io_option(std::string_view type, std::string_view name) {
  if (type == "diskd") return name == "Q1" || name == "Q2";
  if (type == "rock") return name == "slot-size" || name == "swap-timeout" || name == "max-swap-rate";
  return false;
}

// Squid reads these with strtoll: the leading digits, in bytes.
uint64_t option_bytes(std::string_view name, const std::string& value) {
  if (value.empty()) throw DirectiveError("cache_dir: option '" + std::string(name) + "' needs a value");
  const long long bytes = std::strtoll(value.c_str(), nullptr, 10);
  return bytes < 0 ? 0 : static_cast<uint64_t>(bytes);
}

// The options every type takes (Squid's Store::Disk), and the type's own.
void read_option(const std::string& option, CacheDirConfig& dir, ParseContext& ctx) {
  const auto equals = option.find('=');
  const std::string name = option.substr(0, equals);
  const std::string value = equals == std::string::npos ? "" : option.substr(equals + 1);
  if (name == "no-store" || name == "read-only") {
    if (name == "read-only") ctx.warn("cache_dir: replace option 'read-only' with 'no-store' (as Squid)");
    dir.no_store = equals == std::string::npos || std::atoi(value.c_str()) != 0;
  } else if (name == "min-size") {
    dir.min_object_size = option_bytes(name, value);
  } else if (name == "max-size") {
    dir.max_object_size = option_bytes(name, value);
  } else if (is_squid_io_option(dir.type, name)) {
    if (equals == std::string::npos) throw DirectiveError("cache_dir: option '" + name + "' needs a value");
    ctx.warn("cache_dir: option '" + name + "' tunes Squid's own " + dir.type +
             " disk I/O and has no effect in cuttle's LMDB store");
  } else {
    throw DirectiveError("cache_dir: unknown option '" + option + "' for a " + dir.type + " cache_dir");
  }
}

// ufs, aufs and diskd: MBYTES L1 L2; Squid's subdirectory counts mean nothing to LMDB.
void read_levels(DirectiveArgs& args) {
  args.read_integer("number of level-1 directories", 1, 1 << 30);
  args.read_integer("number of level-2 directories", 1, 1 << 30);
}

}  // namespace

void cache_dir(DirectiveArgs& args, ParseContext& ctx) {
  CacheDirConfig dir;
  dir.type = args.next("store type").text;
  dir.where = ctx.where;
  dir.replacement = ctx.config.cache_replacement;
  if (dir.type == "null") {
    // Squid 5.7 has no null store: it logs an error and ignores the line.
    ctx.warn("cache_dir null: no disk cache from this line (squid 5.7 ignores it too)");
    while (args.next_if_any()) {
    }
    return;
  }
  const bool squid_layout = dir.type == "ufs" || dir.type == "aufs" || dir.type == "diskd";
  if (!squid_layout && dir.type != "rock" && dir.type != "lmdb")
    throw DirectiveError("cache_dir: unknown store type '" + dir.type +
                         "' (cuttle takes Squid's ufs, aufs, diskd, rock and null, and lmdb)");
  dir.path = args.next("directory").text;
  dir.store_path = dir.type == "lmdb" ? dir.path : dir.path + "/cuttle-lmdb";
  // Rock takes 0 MB (a directory that stores nothing); the others need at least 1.
  const auto mbytes = args.read_integer("size in MB", dir.type == "rock" ? 0 : 1, int64_t(1) << 30);
  dir.max_bytes = static_cast<uint64_t>(mbytes) << 20;
  if (squid_layout) read_levels(args);
  while (auto option = args.next_if_any()) read_option(option->text, dir, ctx);
  if (mbytes == 0) return;
  for (const auto& other : ctx.config.cache_dirs)
    if (other.store_path == dir.store_path)
      throw DirectiveError("cache_dir: " + dir.path + " is already the directory of " + other.where);
  ctx.config.cache_dirs.push_back(std::move(dir));
}

}  // namespace cuttle
