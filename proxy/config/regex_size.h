// How large glibc's regcomp would make an extended regular expression, bounded
// before regcomp runs. regcomp expands repetitions by copying what they repeat
// (x+ becomes x x*, x{2,5} five copies of x), and the epsilon closures of the
// copies grow with the square of their number: "a+++…+" with 70 pluses, or
// "(a*){20000}", takes gigabytes and seconds at start-up (found by the
// config_parser fuzzer). Patterns are refused above a size no real refresh_pattern
// or url_regex comes near.
#pragma once

#include <cstddef>
#include <string_view>

namespace cuttle {

// Refused above this: "(a*){1365}" is this size; measured, "(a*){1000}" compiles in
// 10 MB and "(a*){2000}" in 34 MB.
inline constexpr size_t kMaxRegexSize = 4096;

// An estimate of the number of parse-tree nodes regcomp builds for `pattern`
// (ERE syntax) after expanding repetitions: every atom (a bracket expression too)
// one node, every repetition as many copies as regcomp makes; saturates instead
// of overflowing; groups nested more than 100 deep count as too large (regcomp
// recurses on them, and 20,000 levels overflow its stack). Invalid patterns are
// for regcomp to reject.
size_t expanded_regex_size(std::string_view pattern);

}  // namespace cuttle
