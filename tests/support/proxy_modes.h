// The two ways clients reach a caching proxy, for tests of behaviour that must
// hold in both: a forward proxy (absolute-form targets, the origin named in the
// URL) and an accelerator (origin-form requests to an `accel` port whose
// `cache_peer … originserver` is the origin). The same configuration serves
// cuttle (with an LMDB cache_dir) and squid 5.7 (its memory cache).
#pragma once

#include "tests/support/config_rewrite.h"
#include "tests/support/cuttle_process.h"
#include "tests/support/http_client.h"
#include "tests/support/origin_server.h"
#include "tests/support/temp_dir.h"

#include <string>
#include <type_traits>

namespace cuttle::testing {

enum class ProxyMode { Forward, Accelerator };

// "Forward" / "Accelerator": parameterized tests' names.
std::string mode_name(ProxyMode mode);

// The site accelerated requests name (Host and defaultsite=).
inline constexpr const char* kAcceleratedSite = "www.example.test";

// A whole configuration in `mode` in front of `origin`: the http_port, the
// originserver peer (accelerator), `extra` lines, localhost-only access, and for
// cuttle (`who` == "cuttle") an LMDB cache_dir in `dir`.
WholeConfig mode_config(ProxyMode mode, const OriginServer& origin, const std::string& who, const TempDir& dir,
                        const std::string& extra = "");

// `path` as the proxy keys it: the origin's URL, or the accelerated site's.
std::string mode_url(ProxyMode mode, const OriginServer& origin, const std::string& path);

// One request for `path` on a connection of its own, as a client in `mode` sends
// it, with `extra` header lines (each ending in CRLF) and `body`.
Response mode_request(unsigned short port, ProxyMode mode, const OriginServer& origin, const std::string& method,
                      const std::string& path, const std::string& extra = "", const std::string& body = "");

// A proxy in `mode` in front of `origin`, with a cache directory of its own:
// CuttleProcess (an LMDB cache_dir) or SquidProcess (its memory cache).
template <class Proxy>
struct ProxyInMode {
  ProxyInMode(ProxyMode mode, const OriginServer& origin, const std::string& extra = "")
      : proxy(mode_config(mode, origin, std::is_same_v<Proxy, CuttleProcess> ? "cuttle" : "squid", dir, extra)) {}
  TempDir dir;
  Proxy proxy;
};

}  // namespace cuttle::testing
