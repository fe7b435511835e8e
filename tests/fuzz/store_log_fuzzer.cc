// cache_store_log lines from any reply header block and any cache key: reading
// the block never fails uncleanly, and the line is always exactly one line with
// Squid's thirteen fields, whatever bytes the header or the key held; a Vary
// mark never spans lines either.
#include "proxy/cache/store_log_reply.h"
#include "proxy/log/store_log_line.h"
#include "tests/fuzz/fuzz_target.h"

#include <algorithm>

using namespace cuttle;

namespace {

size_t words_of(std::string_view line) {
  size_t words = 0;
  bool in_word = false;
  for (char c : line) {
    const bool blank = c == ' ';
    if (!blank && !in_word) ++words;
    in_word = !blank;
  }
  return words;
}

}  // namespace

CUTTLE_FUZZ_TARGET(store_log) {
  fuzz::InputReader in(data, size);
  const auto key = in.line();
  const auto block = in.rest();
  StoreLogRecord record;
  record.reply = store_log_reply(block, "GET", std::string(key.substr(0, key.find('\n'))), 0);
  const auto line = format_store_log_line(record);
  FUZZ_CHECK(!line.empty() && line.back() == '\n');
  FUZZ_CHECK(std::count(line.begin(), line.end(), '\n') == 1);
  // Words may hold blanks only inside the type (a header value): at least 13.
  FUZZ_CHECK(words_of(line.substr(0, line.size() - 1)) >= 13 || record.reply->url.empty());
  const auto mark = squid_vary_mark(key);
  FUZZ_CHECK(mark.find('\n') == std::string::npos);
  return 0;
}
