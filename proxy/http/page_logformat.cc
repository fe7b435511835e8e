#include "proxy/http/page_logformat.h"

#include "proxy/log/format_tokens.h"
#include "proxy/log/log_format.h"

namespace cuttle {

size_t expand_page_sequence(std::string_view text, const AccessLogEntry* entry, std::string& out) {
  const auto code = text.substr(kLogformatMagic.size());
  // Squid keeps @Squid{…} for codes: the undocumented "external" quoting ([%>h)
  // is not read here.
  if (!code.starts_with('%')) throw BadPageSequence("logformat expressions that do not start with % are not supported");
  size_t consumed = 0;
  LogFormat format;
  try {
    format = log_format_of_tokens("@Squid{}", logformat::parse_one_code(code, consumed));
  } catch (const std::invalid_argument& e) {
    throw BadPageSequence(e.what());
  }
  if (consumed >= code.size() || code[consumed] != '}') throw BadPageSequence("Missing closing brace (})");
  if (entry) append_formatted(out, format, *entry);
  else out += '-';  // squid's AssembleOne without an ALE
  return kLogformatMagic.size() + consumed + 1;
}

std::string bad_sequence_message(std::string_view from_sequence, const BadPageSequence& why) {
  constexpr size_t kNearBytes = 15;
  std::string near(from_sequence.substr(0, kNearBytes));
  if (from_sequence.size() > kNearBytes) near += "...";
  return "Bad @Squid{logformat} sequence near " + near + "\n    additional info: " + why.what();
}

}  // namespace cuttle
