// The URL rewriter (url_rewrite_program) and the store-ID helper
// (store_id_program) as squid.conf configures them (src/cf.data.pre, redirect.cc).
#pragma once

#include "proxy/config/acl/access_rules.h"
#include "proxy/config/helper_config.h"
#include "proxy/log/format_tokens.h"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace cuttle {

// Squid's default for both helpers' extras: what follows the URL on each line.
inline constexpr const char* kDefaultHelperExtras = "%>a/%>A %un %>rm myip=%la myport=%lp";

struct RewriteHelperConfig {
  HelperProgram program;           // children default: 20 startup=0 idle=1
  std::vector<AccessRule> access;  // url_rewrite_access / store_id_access; none: every request
  // When every process is busy and the queue is full, the request goes on
  // unchanged instead of waiting (with it, queue-size defaults to 0, as in Squid).
  bool bypass = false;
  // What follows the URL on each line, read once here (and checked against the
  // codes cuttle fills in when configured), expanded per request.
  std::string extras = kDefaultHelperExtras;
  std::vector<logformat::Token> extras_tokens = logformat::parse_format(kDefaultHelperExtras);
};

struct UrlRewriteConfig : RewriteHelperConfig {
  bool rewrites_host_header = true;  // url_rewrite_host_header
  // url_rewrite_timeout: how long to wait (with concurrency > 0, as in Squid), and
  // what a timed-out request gets.
  enum class OnTimeout { Bypass, Fail, Retry, UseConfiguredResponse };
  std::optional<std::chrono::milliseconds> timeout;
  OnTimeout on_timeout = OnTimeout::Bypass;
  std::string timeout_response;  // use_configured_response: read as a helper reply
};

}  // namespace cuttle
