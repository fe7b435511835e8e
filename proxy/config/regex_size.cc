#include "proxy/config/regex_size.h"

#include <algorithm>
#include <cctype>
#include <limits>

namespace cuttle {
namespace {

constexpr size_t kSaturated = std::numeric_limits<size_t>::max() / 4;
// Deeper nesting of groups counts as too complex (no real pattern nests beyond a few).
constexpr size_t kMaxNesting = 100;

size_t add(size_t a, size_t b) { return a + b >= kSaturated ? kSaturated : a + b; }
size_t multiply(size_t a, size_t b) { return b != 0 && a > kSaturated / b ? kSaturated : a * b; }

// A recursive-descent walk over ERE syntax that only counts.
class SizeEstimate {
 public:
  explicit SizeEstimate(std::string_view p) : p_(p) {}

  size_t whole() {
    size_t total = alternation();
    while (pos_ < p_.size()) {  // a stray ')': regcomp's to judge; count the rest
      ++pos_;
      total = add(total, add(1, alternation()));
    }
    return total;
  }

 private:
  size_t alternation() {
    size_t total = branch();
    while (pos_ < p_.size() && p_[pos_] == '|') {
      ++pos_;
      total = add(total, add(1, branch()));
    }
    return total;
  }

  size_t branch() {
    size_t total = 0;
    while (pos_ < p_.size() && p_[pos_] != '|' && p_[pos_] != ')') total = add(total, add(1, piece()));
    return total;
  }

  size_t piece() {
    size_t size = atom();
    for (;;) {
      if (pos_ >= p_.size()) return size;
      const char c = p_[pos_];
      if (c == '*' || c == '?') {
        ++pos_;
        size = add(size, 1);
      } else if (c == '+') {
        ++pos_;
        size = add(multiply(size, 2), 1);  // x+ is x x*
      } else if (c == '{') {
        size_t copies = 0;
        if (!interval(copies)) return size;  // not an interval: '{' is the next atom
        size = add(multiply(size, copies), 1);
      } else {
        return size;
      }
    }
  }

  // "{n}", "{n,}" or "{n,m}" at pos_: the number of copies regcomp makes (m, or
  // n + 1 when unbounded); false, pos_ unchanged, when it is not an interval.
  bool interval(size_t& copies) {
    size_t i = pos_ + 1, low = 0, high = 0;
    bool has_low = read_number(i, low), bounded = true, has_high = false;
    if (i < p_.size() && p_[i] == ',') {
      ++i;
      has_high = read_number(i, high);
      bounded = has_high;
    } else {
      high = low;
      has_high = has_low;
    }
    if (i >= p_.size() || p_[i] != '}' || (!has_low && !has_high)) return false;
    pos_ = i + 1;
    copies = bounded ? std::max(low, high) : add(low, 1);
    if (copies == 0) copies = 1;
    return true;
  }

  bool read_number(size_t& i, size_t& value) {
    const size_t start = i;
    value = 0;
    while (i < p_.size() && std::isdigit(static_cast<unsigned char>(p_[i])))
      value = add(multiply(value, 10), static_cast<size_t>(p_[i++] - '0'));
    return i > start;
  }

  size_t atom() {
    const char c = p_[pos_++];
    if (c == '(') {
      if (depth_ == kMaxNesting) {  // regcomp recurses too: 20,000 levels overflow its stack
        pos_ = p_.size();
        return kSaturated;
      }
      ++depth_;
      size_t inner = alternation();
      --depth_;
      if (pos_ < p_.size() && p_[pos_] == ')') ++pos_;
      return add(inner, 1);
    }
    if (c == '[') {
      skip_bracket_expression();
      return 1;
    }
    if (c == '\\' && pos_ < p_.size()) ++pos_;
    return 1;
  }

  // pos_ just after '['; moves past the closing ']' ("[]a]", "[^]a]" and the
  // "[:alpha:]"-style classes inside count as part of it).
  void skip_bracket_expression() {
    if (pos_ < p_.size() && p_[pos_] == '^') ++pos_;
    if (pos_ < p_.size() && p_[pos_] == ']') ++pos_;
    while (pos_ < p_.size() && p_[pos_] != ']') {
      if (p_[pos_] == '[' && pos_ + 1 < p_.size() && (p_[pos_ + 1] == ':' || p_[pos_ + 1] == '=' || p_[pos_ + 1] == '.')) {
        const char kind = p_[pos_ + 1];
        const char closing[] = {kind, ']'};
        auto end = p_.find(std::string_view(closing, 2), pos_ + 2);
        pos_ = end == std::string_view::npos ? p_.size() : end + 2;
      } else {
        ++pos_;
      }
    }
    if (pos_ < p_.size()) ++pos_;
  }

  std::string_view p_;
  size_t pos_ = 0;
  size_t depth_ = 0;
};

}  // namespace

size_t expanded_regex_size(std::string_view pattern) { return SizeEstimate(pattern).whole(); }

}  // namespace cuttle
