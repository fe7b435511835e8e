// How a kind of helper (authenticator, URL rewriter, external ACL...) is run:
// its command line and Squid's `children` limits (src/helper/ChildConfig.cc).
#pragma once

#include "proxy/config/config_tokens.h"

#include <chrono>

namespace cuttle {
struct ParseContext;
}

#include <string>
#include <vector>

namespace cuttle {

struct HelperChildren {
  unsigned max = 0;          // never more processes than this
  unsigned startup = 0;      // started with the proxy
  unsigned idle = 1;         // started ahead of need, so this many stand ready
  unsigned concurrency = 0;  // requests in flight per process; 0: one, without channel IDs
  unsigned queue_size = 0;   // requests waiting for a free process before it is "overloaded"
  bool queue_size_set = false;  // given as queue-size= (else derived: 2 × max, or 0 with a bypass)
  // Overloaded for over 3 minutes: Squid exits (die) or answers ERR at once (ERR).
  bool die_on_persistent_overload = true;
  // NTLM and Negotiate: how long a process stays kept for one client's unfinished
  // handshake before another client may take it (Squid's default: 64 s).
  std::chrono::seconds reservation_timeout{64};
};

// Squid's defaults for `max` processes: startup 0, idle 1, no concurrency, queue 2 × max.
HelperChildren default_helper_children(unsigned max);

// `N [startup=N] [idle=N] [concurrency=N] [queue-size=N] [on-persistent-overload=ERR|die]
// [reservation-timeout=N]`, as Squid 5.7 reads them: startup and idle are capped at N
// (with a warning), idle=0 becomes 1. Throws DirectiveError; warnings go to the context.
HelperChildren read_helper_children(DirectiveArgs& args, ParseContext& ctx);

struct HelperProgram {
  std::vector<std::string> argv;  // the program and its arguments, as Squid splits the line
  HelperChildren children;
  std::string where;  // "file:line" of the program line, for messages
};

// `PROGRAM [ARGS...]` into program.argv; as Squid, the program must exist when the
// file is read (DirectiveError naming it otherwise).
void read_helper_program(DirectiveArgs& args, ParseContext& ctx, HelperProgram& program);

}  // namespace cuttle
