// What cuttle does with each Squid 5.7 directive it does not implement. One row
// per directive (directive_fates_table.cc) says which kind it is; the kind says
// what happens to its line:
//   NoEffect       tunes Squid's own internals only: accepted, listed by -k parse;
//   Protective     restricts, filters or protects: the file is refused, unless
//                  the value turns it off;
//   AbsentFeature  a Squid feature cuttle has not (ICAP, SNMP, HTCP, ESI, …): a
//                  line that turns it on is refused, one that only tunes it is
//                  listed as having no effect;
//   Behaviour      changes what clients, origins or operators see: a warning
//                  that says what differs, unless the value is Squid's default;
//   Obsolete       obsolete in Squid 5.7 too: Squid's own message, then what
//                  Squid does (ignore it, refuse the file, or read it as the
//                  directive that replaced it).
#pragma once

#include "proxy/config/config_tokens.h"
#include "proxy/config/directives.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cuttle {

enum class Fate : uint8_t { NoEffect, Protective, AbsentFeature, Behaviour, Obsolete };

// What squid 5.7's parse_obsolete() makes of an obsolete line after its message.
enum class ObsoleteRewrite : uint8_t {
  None,
  InvertedOnOff,      // `target on|off` with the value inverted (ignore_ims_on_miss)
  TlsOutgoingOption,  // `tls_outgoing_options TARGETvalue` (sslproxy_cafile)
};

struct DirectiveFate {
  std::string_view name;
  Fate fate = Fate::Behaviour;
  // Values (the line after the name, blanks collapsed) that change nothing,
  // '|'-separated: accepted silently. "4 minutes" also matches "240 seconds".
  std::string_view off;
  // NoEffect: why nothing changes. Protective, AbsentFeature: what the line does.
  // Behaviour: what Squid does that cuttle does not. Obsolete: Squid's DOC text.
  std::string_view why;
  std::string_view feature;  // AbsentFeature: the feature cuttle has not
  bool enables = false;      // AbsentFeature: the line turns the feature on (else only tunes it)
  std::string_view loose;    // Protective: values that loosen instead: a Behaviour warning
  std::string_view refusal;  // Obsolete: why the file is refused ("" : it is not)
  ObsoleteRewrite rewrite = ObsoleteRewrite::None;
  std::string_view target;   // Obsolete: the directive or option Squid reads it as
};

// Every row, sorted by name (directive_fates_table.cc).
std::span<const DirectiveFate> directive_fates();

// The row of `name`, or of the directive a Squid alias (`referrer_log`) stands
// for; nullptr when cuttle has none.
const DirectiveFate* find_directive_fate(std::string_view name);

// Whether `value` is one of the '|'-separated `off` values: the same words, or
// the same time or size in other units.
bool is_off_value(std::string_view off, std::string_view value);

// A line squid 5.7 reads in place of an obsolete one.
struct RewrittenLine {
  std::string name;
  std::vector<ConfigToken> tokens;
};

// Treats the line `args` (named as written, perhaps an alias) as `fate` says:
// messages through ctx.warn, a refusal as DirectiveError. Returns the line to
// read instead, when Squid reads the directive as another.
std::optional<RewrittenLine> apply_directive_fate(const DirectiveFate& fate, DirectiveArgs& args, ParseContext& ctx);

}  // namespace cuttle
