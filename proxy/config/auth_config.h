// Authentication as squid.conf configures it: `auth_param basic ...` and the
// directives around the credentials cache (src/auth/SchemeConfig.cc, cf.data.pre).
#pragma once

#include "proxy/config/helper_config.h"
#include "proxy/log/format_tokens.h"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace cuttle {

// `key_extras "FORMAT"` (every scheme): appended to each helper request, and
// part of the user's key (answers are remembered per user and extras). Empty: none.
using KeyExtras = std::vector<logformat::Token>;

struct BasicAuthConfig {
  HelperProgram program;  // `program`; children default: 20 startup=0 idle=1
  KeyExtras key_extras;
  std::string realm = "Squid proxy-caching web server";
  std::chrono::milliseconds credentials_ttl = std::chrono::hours(2);
  bool case_sensitive = false;  // off: user names are lowercased before anything sees them
  bool utf8 = false;            // credentials converted to UTF-8 before the helper sees them
};

// How long and how often a Digest nonce may be used (auth/digest_nonces.h).
struct DigestNonceRules {
  std::chrono::seconds max_duration{30 * 60};  // nonce_max_duration
  unsigned max_count = 50;                     // nonce_max_count
  bool strictness = false;                     // nonce_strictness: nc must grow by exactly one
  bool check_count = true;                     // check_nonce_count
};

struct DigestAuthConfig {
  HelperProgram program;  // `program`; children default: 20 startup=0 idle=1
  KeyExtras key_extras;
  std::string realm = "Squid proxy-caching web server";
  std::chrono::milliseconds nonce_garbage_interval = std::chrono::minutes(5);
  DigestNonceRules nonces;
  bool post_workaround = false;  // accept a POST digest computed with GET (old broken browsers)
  bool utf8 = false;             // user names converted to UTF-8 before the helper sees them
};

// NTLM and Negotiate (src/auth/ntlm, src/auth/negotiate): the helper runs the
// handshake, cuttle relays its tokens and keeps the outcome with the connection.
struct ConnectionAuthConfig {
  HelperProgram program;  // `program`; children default: 20 startup=0 idle=1, no concurrency
  KeyExtras key_extras;
  bool keep_alive = true;  // off: a first challenge closes the connection (for old clients)
};

struct AuthConfig {
  // Set once `auth_param basic program` is given: the scheme is active.
  std::optional<BasicAuthConfig> basic;
  std::optional<DigestAuthConfig> digest;
  std::optional<ConnectionAuthConfig> ntlm, negotiate;
  // The schemes in the order their first auth_param line came: the order of the
  // challenges in a 407, as in Squid.
  std::vector<std::string> schemes;
  std::chrono::milliseconds authenticate_ttl = std::chrono::hours(1);
  std::chrono::milliseconds authenticate_ip_ttl = std::chrono::seconds(1);
  std::chrono::milliseconds garbage_interval = std::chrono::hours(1);
  // How long a helper may take to answer before the request gets the answer for a
  // helper that died (a 407). cuttle's own: Squid 5.7 waits for auth helpers forever.
  std::chrono::milliseconds helper_timeout = std::chrono::minutes(1);

  const BasicAuthConfig* active_basic() const { return basic && !basic->program.argv.empty() ? &*basic : nullptr; }
  const DigestAuthConfig* active_digest() const {
    return digest && !digest->program.argv.empty() ? &*digest : nullptr;
  }
  const ConnectionAuthConfig* active_ntlm() const { return active(ntlm); }
  const ConnectionAuthConfig* active_negotiate() const { return active(negotiate); }
  // Whether some scheme has its program: proxy_auth ACLs can work.
  bool any_scheme() const { return active_basic() || active_digest() || active_ntlm() || active_negotiate(); }

 private:
  static const ConnectionAuthConfig* active(const std::optional<ConnectionAuthConfig>& scheme) {
    return scheme && !scheme->program.argv.empty() ? &*scheme : nullptr;
  }
};

}  // namespace cuttle
