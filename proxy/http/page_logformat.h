// @Squid{%code} in error page templates and deny_info URLs (squid 5.7
// ErrorState::compileLogformatCode): one logformat code, filled in from the
// failing transaction's log entry as squid has it while the page is built.
#pragma once

#include "proxy/log/access_log_line.h"

#include <stdexcept>
#include <string>
#include <string_view>

namespace cuttle {

inline constexpr std::string_view kLogformatMagic = "@Squid{";

// Why a sequence is bad, in squid's words (its "additional info").
class BadPageSequence : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// The sequence at the front of `text` (which starts with kLogformatMagic)
// expanded into `out`; returns how much of `text` it took. With no entry (a
// template checked before any request) each code is "-", as squid's nil ALE.
// Throws BadPageSequence.
size_t expand_page_sequence(std::string_view text, const AccessLogEntry* entry, std::string& out);

// Squid's BuildErrorPrinter: "Bad @Squid{logformat} sequence near <the first
// 15 bytes from the sequence>[...]\n    additional info: <why>".
std::string bad_sequence_message(std::string_view from_sequence, const BadPageSequence& why);

}  // namespace cuttle
