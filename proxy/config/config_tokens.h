// The tokens of one directive line, consumed left to right by directive handlers,
// with the unit-aware number readers squid.conf needs.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace cuttle {

struct ConfigToken {
  std::string text;
  bool quoted = false;
};

// Thrown by handlers; the parser prefixes the file:line of the directive.
class DirectiveError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class DirectiveArgs {
 public:
  DirectiveArgs(std::string directive, std::vector<ConfigToken> tokens, std::string raw = "")
      : directive_(std::move(directive)), tokens_(std::move(tokens)), raw_(std::move(raw)) {}

  const std::string& directive() const { return directive_; }
  bool empty() const { return pos_ >= tokens_.size(); }
  const ConfigToken& peek() const { return tokens_.at(pos_); }
  // The next token; `what` names it in the error when it is missing.
  const ConfigToken& next(std::string_view what);
  std::optional<ConfigToken> next_if_any();
  // The tokens left, joined by single blanks (a value that is the rest of the line).
  std::string rest_of_line();
  void expect_end();
  // The line after the directive's name as written, quotes and blanks kept (for
  // values Squid reads to the end of the line, such as a logformat's).
  const std::string& raw() const { return raw_; }

  bool read_on_off();
  // `unit_given`, when asked for, says whether the line named a unit.
  uint64_t read_bytes(std::string_view default_unit, bool* unit_given = nullptr);
  std::chrono::milliseconds read_duration(std::string_view default_unit);
  int64_t read_integer(std::string_view what, int64_t min, int64_t max);

 private:
  std::string directive_;
  std::vector<ConfigToken> tokens_;
  std::string raw_;
  size_t pos_ = 0;
};

// "12", "1.5" with a unit word ("MB", "minutes") either joined or as the next token.
uint64_t parse_bytes(std::string_view number, std::string_view unit);
std::chrono::milliseconds parse_duration(std::string_view number, std::string_view unit);
bool is_byte_unit(std::string_view word);
bool is_time_unit(std::string_view word);

}  // namespace cuttle
