// The literal fast path must answer exactly as regexec does: every comparison here
// is against glibc's regexec with the flags Squid (and PosixRegex) use.
#include "proxy/config/literal_pattern.h"

#include <gtest/gtest.h>
#include <regex.h>

#include <random>
#include <string>
#include <vector>

namespace cuttle {
namespace literal_pattern_test {

// regexec's answer, or nothing when regcomp refuses the pattern.
std::optional<bool> regexec_answer(const std::string& pattern, bool icase, const std::string& subject) {
  regex_t compiled;
  if (regcomp(&compiled, pattern.c_str(), REG_EXTENDED | REG_NOSUB | (icase ? REG_ICASE : 0)) != 0) return std::nullopt;
  bool matched = regexec(&compiled, subject.c_str(), 0, nullptr, 0) == 0;
  regfree(&compiled);
  return matched;
}

TEST(LiteralPattern, SquidsDefaultsAndCommonLinesTakeTheFastPath) {
  for (const char* p : {"^ftp:", "^gopher:", "(/cgi-bin/|\\?)", ".", "\\.gif$", "^http://example\\.com/",
                        "windowsupdate\\.com/", "a|b|c"}) {
    EXPECT_TRUE(LiteralPattern::compile(p, false)) << p;
    EXPECT_TRUE(LiteralPattern::compile(p, true)) << p;
  }
}

TEST(LiteralPattern, AnythingBeyondLiteralTextIsLeftToRegexec) {
  for (const char* p : {"a*", "a+b", "colou?r", "[abc]", "a{2}", "\\w+", "\\bword", "(a)|(b)", "a||b", "()", "^",
                        "$", "a$b", "x^y", "^^a", "(a\\)", "\\", "\\1"}) {
    EXPECT_FALSE(LiteralPattern::compile(p, false)) << p;
  }
  EXPECT_FALSE(LiteralPattern::compile("caf\xc3\xa9", true));  // case folding outside ASCII depends on the locale
  EXPECT_TRUE(LiteralPattern::compile("caf\xc3\xa9", false));
}

TEST(LiteralPattern, AnswersAsRegexecOnHandPickedCases) {
  struct Case {
    const char* pattern;
    bool icase;
    const char* subject;
  } cases[] = {
      {"^ftp:", false, "ftp://x/"},          {"^ftp:", false, "http://x/ftp:"},      {"^ftp:", true, "FTP://x/"},
      {"(/cgi-bin/|\\?)", true, "http://x/CGI-BIN/a"}, {"(/cgi-bin/|\\?)", false, "http://x/a?b"},
      {"(/cgi-bin/|\\?)", false, "http://x/a"}, {".", false, ""},                   {".", false, "x"},
      {"\\.gif$", true, "http://x/A.GIF"},     {"\\.gif$", false, "http://x/a.gif?x"}, {"^a.c$", false, "abc"},
      {"^a.c$", false, "abcd"},                {"a.c", false, "xxa\nc"},              {"^$|x", false, "abc"},
  };
  for (const auto& c : cases) {
    auto literal = LiteralPattern::compile(c.pattern, c.icase);
    auto expected = regexec_answer(c.pattern, c.icase, c.subject);
    if (!literal) continue;  // "^$|x": refused, which is allowed
    ASSERT_TRUE(expected) << c.pattern;
    EXPECT_EQ(literal->search(c.subject), *expected) << c.pattern << " on " << c.subject;
  }
}

TEST(LiteralPattern, AnswersAsRegexecOnRandomPatternsAndSubjects) {
  // Small alphabets make matches, anchors and metacharacters frequent.
  const std::string pattern_alphabet = "aAb.^$|()\\?*[";
  const std::string subject_alphabet = std::string("aAbB.^$|()\\?") + '\0' + "\xe9\n";
  std::mt19937 random(12345);
  auto pick = [&](const std::string& from, size_t max_len) {
    std::string s(random() % (max_len + 1), ' ');
    for (auto& c : s) c = from[random() % from.size()];
    return s;
  };
  int compared_patterns = 0, compared = 0;
  for (int round = 0; round < 20000; ++round) {
    const std::string pattern = pick(pattern_alphabet, 6);
    const bool icase = random() % 2;
    auto literal = LiteralPattern::compile(pattern, icase);
    if (!literal) continue;
    ASSERT_TRUE(regexec_answer(pattern, icase, "")) << "accepted a pattern regcomp refuses: " << pattern;
    ++compared_patterns;
    for (int s = 0; s < 30; ++s) {
      const std::string subject = pick(subject_alphabet, 8);
      ASSERT_EQ(literal->search(subject), *regexec_answer(pattern, icase, subject))
          << "pattern '" << pattern << "' icase " << icase << " subject '" << subject << "'";
      ++compared;
    }
  }
  // The generator must actually exercise the fast path (guards the test itself).
  EXPECT_GT(compared_patterns, 1000);
  EXPECT_GT(compared, 30000);
}

}  // namespace literal_pattern_test
}  // namespace cuttle
