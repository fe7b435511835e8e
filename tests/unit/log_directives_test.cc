// What the logging directives set up besides the formats: log_mime_hdrs (and a
// logformat turning it on, as squid 5.7's format parser does), buffered_logs,
// and which per-request facts log lines must carry.
#include "proxy/config/config_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace cuttle {
namespace log_directives_test {

const Config& config_of(std::string_view text) {
  static LoadedConfig loaded;
  loaded = load_config_text("http_port 3128\n" + std::string(text), "test.conf");
  return *loaded.config;
}

std::string error_of(std::string_view text) {
  try {
    load_config_text("http_port 3128\n" + std::string(text), "test.conf");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(LogDirectives, LogMimeHdrsAndBufferedLogsAreOffByDefault) {
  const auto& config = config_of("");
  EXPECT_FALSE(config.log_mime_hdrs);
  EXPECT_FALSE(config.buffered_logs);
  EXPECT_FALSE(config.logs_reply_head());
  EXPECT_TRUE(config_of("log_mime_hdrs on\n").log_mime_hdrs);
  EXPECT_TRUE(config_of("log_mime_hdrs on\n").logs_reply_head());
  EXPECT_TRUE(config_of("buffered_logs on\n").buffered_logs);
}

// Format::Token::parse sets log_mime_hdrs for %>h or %<h without a name, even
// in a format no access_log uses; a later log_mime_hdrs line still decides.
TEST(LogDirectives, AWholeHeaderCodeTurnsLogMimeHdrsOnAsInSquid) {
  EXPECT_TRUE(config_of("logformat w %>h\n").log_mime_hdrs);
  EXPECT_TRUE(config_of("logformat w %<h\n").log_mime_hdrs);
  EXPECT_FALSE(config_of("logformat w %{Host}>h %{Server}<h\n").log_mime_hdrs);
  EXPECT_FALSE(config_of("logformat w %>h\nlog_mime_hdrs off\n").log_mime_hdrs);
  EXPECT_TRUE(config_of("request_header_add X-All \"%>h\"\n").log_mime_hdrs);
}

// Entries carry the reply header and notes only when a file's format shows them.
TEST(LogDirectives, LinesCarryTheReplyHeaderAndNotesOnlyForFormatsThatShowThem) {
  const auto& unused = config_of("logformat r %{Server}<h %note\n");
  EXPECT_FALSE(unused.log_reply_head);
  EXPECT_FALSE(unused.log_notes);
  const auto& used = config_of("logformat r %{Server}<h %note\naccess_log /tmp/x.log r\n");
  EXPECT_TRUE(used.log_reply_head);
  EXPECT_TRUE(used.log_notes);
}

TEST(LogDirectives, ReplyHeaderAddCannotShowTheReplyBeingBuilt) {
  EXPECT_EQ(error_of("reply_header_add X-R \"%<h\"\n"),
            "test.conf:2: reply_header_add: cuttle cannot fill in the code '%<h' there yet");
  EXPECT_EQ(error_of("request_header_add X-R \"%{Server}<h\"\n"), "");  // squid's value there is "-" too
}

}  // namespace log_directives_test
}  // namespace cuttle
