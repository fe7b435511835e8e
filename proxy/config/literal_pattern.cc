#include "proxy/config/literal_pattern.h"

#include <algorithm>

namespace cuttle {
namespace {

constexpr std::string_view kEreMeta = ".[]()*+?{}|^$\\";

bool is_meta(char c) { return kEreMeta.find(c) != std::string_view::npos; }

char fold(char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }
char upper(char c) { return (c >= 'a' && c <= 'z') ? char(c - 'a' + 'A') : c; }

}  // namespace

std::optional<LiteralPattern> LiteralPattern::compile(std::string_view pattern, bool case_insensitive) {
  // One group around everything is only grouping: "(a|b)" matches as "a|b".
  if (pattern.size() >= 2 && pattern.front() == '(' && pattern.back() == ')' &&
      !(pattern.size() >= 3 && pattern[pattern.size() - 2] == '\\'))
    pattern = pattern.substr(1, pattern.size() - 2);

  LiteralPattern result;
  result.case_insensitive_ = case_insensitive;
  Alternative current;
  bool ended = false;  // '$' seen: only '|' or the end may follow
  for (size_t i = 0; i <= pattern.size(); ++i) {
    if (i == pattern.size() || pattern[i] == '|') {
      if (current.text.empty()) return std::nullopt;  // empty alternatives, "^" or "$" alone: leave to regexec
      current.exact = !case_insensitive && std::find(current.any.begin(), current.any.end(), true) == current.any.end();
      const char first = current.text.front();
      if (!current.any.front() && !(case_insensitive && fold(first) != upper(first))) current.first_byte = first;
      result.alternatives_.push_back(std::move(current));
      current = Alternative{};
      ended = false;
      continue;
    }
    const char c = pattern[i];
    if (ended) return std::nullopt;
    if (c == '^' && current.text.empty() && !current.at_start) {
      current.at_start = true;
    } else if (c == '$') {
      current.at_end = true;
      ended = true;
    } else if (c == '.') {
      current.text.push_back('.');
      current.any.push_back(true);
    } else if (c == '\\') {
      if (i + 1 == pattern.size() || !is_meta(pattern[i + 1])) return std::nullopt;  // \w, \b, \1 ...: regexec's
      current.text.push_back(case_insensitive ? fold(pattern[++i]) : pattern[++i]);
      current.any.push_back(false);
    } else if (is_meta(c)) {
      return std::nullopt;
    } else {
      // Outside ASCII, REG_ICASE folding depends on the locale: leave it to regexec.
      if (case_insensitive && static_cast<unsigned char>(c) >= 0x80) return std::nullopt;
      current.text.push_back(case_insensitive ? fold(c) : c);
      current.any.push_back(false);
    }
  }
  return result;
}

bool LiteralPattern::matches_at(const Alternative& a, std::string_view subject, size_t at) const {
  if (a.exact) return subject.substr(at, a.text.size()) == a.text;
  for (size_t i = 0; i < a.text.size(); ++i) {
    if (a.any[i]) continue;
    const char c = case_insensitive_ ? fold(subject[at + i]) : subject[at + i];
    if (c != a.text[i]) return false;
  }
  return true;
}

bool LiteralPattern::search(std::string_view subject) const {
  subject = subject.substr(0, subject.find('\0'));  // regexec sees a C string
  for (const auto& a : alternatives_) {
    if (a.text.size() > subject.size()) continue;
    const size_t last = subject.size() - a.text.size();
    if (a.at_start && a.at_end) {
      if (last == 0 && matches_at(a, subject, 0)) return true;
    } else if (a.at_start) {
      if (matches_at(a, subject, 0)) return true;
    } else if (a.at_end) {
      if (matches_at(a, subject, last)) return true;
    } else if (a.first_byte) {
      for (size_t at = subject.find(*a.first_byte); at <= last; at = subject.find(*a.first_byte, at + 1))
        if (matches_at(a, subject, at)) return true;
    } else {
      for (size_t at = 0; at <= last; ++at)
        if (matches_at(a, subject, at)) return true;
    }
  }
  return false;
}

}  // namespace cuttle
