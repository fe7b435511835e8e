// The fast path for regular expressions that are only literal text: most
// refresh_pattern and url_regex lines in real squid.conf files are of this shape
// (Squid's own defaults "^ftp:", "(/cgi-bin/|\?)", "."), and every cached hit
// matches its URL against them. regexec costs thousands of instructions per call
// even for these; comparing bytes costs tens.
//
// A pattern qualifies when it is, optionally wrapped in one pair of parentheses,
// one or more alternatives separated by '|', each an optional '^', then literal
// characters ('\' + an ERE metacharacter is literal) and '.' (any character),
// then an optional '$'. Anything else (brackets, repetition, back-references,
// glibc's \w \b \<, non-ASCII under -i) is left to regexec. Matching is exactly
// what regexec(REG_EXTENDED | REG_NOSUB [| REG_ICASE]) answers in the C locale,
// including that the subject ends at its first NUL; tests/unit/literal_pattern_test.cc
// compares the two over many patterns and subjects.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cuttle {

class LiteralPattern {
 public:
  // Nothing when `pattern` is not of the literal shape above.
  static std::optional<LiteralPattern> compile(std::string_view pattern, bool case_insensitive);

  // True when some alternative matches anywhere in `subject` (as regexec would).
  bool search(std::string_view subject) const;

 private:
  struct Alternative {
    bool at_start = false, at_end = false;
    std::string text;       // '.' positions hold any byte; see `any`
    std::vector<bool> any;  // any[i]: text[i] stands for '.'
    bool exact = true;      // no '.' and no case folding: a plain byte comparison
    // The byte an unanchored match must start with, when it has one whatever the
    // case (not '.', not a letter under -i): the scan jumps between its occurrences.
    std::optional<char> first_byte;
  };
  bool matches_at(const Alternative& a, std::string_view subject, size_t at) const;

  std::vector<Alternative> alternatives_;
  bool case_insensitive_ = false;
};

}  // namespace cuttle
