// A helper's answer, as Squid 5.7 reads it (src/helper/Reply.cc): a result code
// (OK, ERR, BH; TT, AF, NA for NTLM and Negotiate), then key=value notes, then
// whatever text is left. Old helpers answer without a result code: a URL
// rewriter's bare URL, or an empty line meaning ERR. Pure parsing, no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cuttle::helpers {

enum class HelperResult { Ok, Error, BrokenHelper, TT, TimedOut, Unknown };

struct HelperReply {
  HelperResult result = HelperResult::Unknown;
  // key=value pairs in the order sent; a key may repeat (Squid's NotePairs).
  std::vector<std::pair<std::string, std::string>> notes;
  // Text no key=value form claimed: an old helper's URL or ERR message.
  std::string other;

  // The first value of `key`, if sent.
  std::optional<std::string> note(std::string_view key) const;
};

// Parses one reply line: no channel ID, no line terminator.
HelperReply parse_helper_reply(std::string_view line);

// A reply line of a helper with concurrency > 0 starts with the channel ID of the
// request it answers. nullopt when the line does not start with a number.
struct ChannelReply {
  unsigned long channel = 0;
  std::string_view rest;  // the reply after the ID and the blanks that follow it
};
std::optional<ChannelReply> split_channel(std::string_view line);

// Squid's strwordtok: the next blank-separated word of `text` (advanced past it).
// Double quotes group blanks into the word and are removed; inside them a
// backslash escapes the next character (\n and \r are newline and CR). nullopt
// when only blanks are left.
std::optional<std::string> next_word(std::string_view& text);

}  // namespace cuttle::helpers
