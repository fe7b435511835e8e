// Authentication as squid.conf configures it: `auth_param basic ...` and the
// directives around the credentials cache (src/auth/SchemeConfig.cc, cf.data.pre).
#pragma once

#include "proxy/config/helper_config.h"

#include <chrono>
#include <optional>
#include <string>

namespace cuttle {

struct BasicAuthConfig {
  HelperProgram program;  // `program`; children default: 20 startup=0 idle=1
  std::string realm = "Squid proxy-caching web server";
  std::chrono::milliseconds credentials_ttl = std::chrono::hours(2);
  bool case_sensitive = false;  // off: user names are lowercased before anything sees them
  bool utf8 = false;            // credentials converted to UTF-8 before the helper sees them
};

struct AuthConfig {
  // Set once `auth_param basic program` is given: the scheme is active.
  std::optional<BasicAuthConfig> basic;
  std::chrono::milliseconds authenticate_ttl = std::chrono::hours(1);
  std::chrono::milliseconds authenticate_ip_ttl = std::chrono::seconds(1);
  std::chrono::milliseconds garbage_interval = std::chrono::hours(1);
  // How long a helper may take to answer before the request gets the answer for a
  // helper that died (a 407). cuttle's own: Squid 5.7 waits for auth helpers forever.
  std::chrono::milliseconds helper_timeout = std::chrono::minutes(1);
};

}  // namespace cuttle
