// Helper replies (what a helper program writes back) and the %-escaping of helper
// requests, from one fuzz input. Checked: parsing any line terminates and yields
// notes whose keys are made only of the characters Squid allows; a channel ID is
// only ever digits followed by the rest; escaping leaves only safe characters
// and %XX, and unescaping it gives back the original bytes (but NUL, which Squid
// never decodes).
#include "proxy/helpers/helper_reply.h"
#include "proxy/helpers/url_escape.h"
#include "tests/fuzz/fuzz_target.h"

#include <cctype>

using namespace cuttle;

namespace {

bool is_key_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; }

void check_reply(std::string_view line) {
  auto reply = helpers::parse_helper_reply(line);
  for (const auto& [key, value] : reply.notes) {
    (void)value;
    for (char c : key) FUZZ_CHECK(is_key_char(c) || key == "message" || key == "token" || key == "user");
  }
  FUZZ_CHECK(reply.other.size() <= line.size());
  if (auto channel = helpers::split_channel(line)) {
    FUZZ_CHECK(channel->rest.size() < line.size());
    FUZZ_CHECK(channel->rest.empty() || !std::isspace(static_cast<unsigned char>(channel->rest.front())));
  }
  std::string_view words = line;
  size_t count = 0;
  while (auto word = helpers::next_word(words)) FUZZ_CHECK(++count <= line.size());
}

void check_escape(std::string_view text) {
  auto escaped = helpers::squid_escape(text);
  for (size_t i = 0; i < escaped.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(escaped[i]);
    FUZZ_CHECK(c > 0x20 && c < 0x7f);
    if (c == '%') FUZZ_CHECK(i + 2 < escaped.size() && std::isxdigit(escaped[i + 1]) && std::isxdigit(escaped[i + 2]));
  }
  if (text.find('\0') == std::string_view::npos) FUZZ_CHECK(helpers::squid_unescape(escaped) == text);
  FUZZ_CHECK(helpers::squid_unescape(text).size() <= text.size());
}

}  // namespace

CUTTLE_FUZZ_TARGET(helper_reply) {
  fuzz::InputReader in(data, size);
  check_reply(in.line());
  check_escape(in.rest());
  return 0;
}
