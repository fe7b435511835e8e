// Squid's error templates: which one a request gets (error_directory, the
// Accept-Language tags, error_default_language) and what their %-codes show.
#include "proxy/http/deny_page.h"
#include "proxy/http/error_codes.h"
#include "proxy/http/error_templates.h"

#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace cuttle {
namespace error_templates_test {

namespace fs = std::filesystem;

ErrorPageSettings language(const std::string& lang, bool log_missing = true, const std::string& stylesheet = "") {
  ErrorPageSettings settings;
  settings.default_language = lang;
  settings.log_missing_languages = log_missing;
  settings.stylesheet_file = stylesheet;
  return settings;
}

// A tree like /usr/share/squid/errors: templates/, de/, pt-br/.
class TemplateTree : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/cuttle-error-templates-XXXXXX";
    root_ = mkdtemp(pattern);
    write("templates/ERR_X", "english %c");
    write("de/ERR_X", "deutsch %c");
    write("pt-br/ERR_X", "brasil");
    write("custom/ERR_X", "custom");
  }
  void TearDown() override { fs::remove_all(root_); }
  void write(const std::string& name, const std::string& text) {
    fs::create_directories((fs::path(root_) / name).parent_path());
    std::ofstream(fs::path(root_) / name) << text;
  }
  std::shared_ptr<const ErrorTemplates> load(ErrorPageSettings settings) {
    settings.root = root_;
    return ErrorTemplates::load(settings, [this](const std::string& w) { warnings_.push_back(w); });
  }
  std::string root_;
  std::vector<std::string> warnings_;
};

TEST_F(TemplateTree, TheFirstListedLanguageWithATemplateWinsWhateverItsQuality) {
  auto templates = load(language("en"));
  auto chosen = templates->choose("ERR_X", "fr;q=1.0, DE;q=0.1, pt-br");
  EXPECT_EQ(chosen.text, "deutsch %c");
  EXPECT_EQ(chosen.language, "de");
  EXPECT_TRUE(chosen.negotiated);
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_EQ(warnings_[0], "WARNING: Error Pages Missing Language: fr");
  EXPECT_EQ(templates->choose("ERR_X", "pt_BR").language, "pt-br") << "Squid reads '_' as '-'";
}

TEST_F(TemplateTree, NoMatchingLanguageOrAWildcardGivesTheDefault) {
  auto templates = load(language("de", false));
  auto chosen = templates->choose("ERR_X", "*, pt-br");
  EXPECT_EQ(chosen.text, "deutsch %c") << "the wildcard stops the search";
  EXPECT_EQ(chosen.language, "de");
  EXPECT_EQ(templates->choose("ERR_X", "").text, "deutsch %c");
  EXPECT_TRUE(warnings_.empty());
}

TEST_F(TemplateTree, ErrorDirectoryPinsThePagesWithoutLanguageHeaders) {
  ErrorPageSettings pinned;
  pinned.directory = root_ + "/custom";
  auto templates = load(pinned);
  auto chosen = templates->choose("ERR_X", "de");
  EXPECT_EQ(chosen.text, "custom");
  EXPECT_EQ(chosen.language, "");
  EXPECT_FALSE(chosen.negotiated);
  EXPECT_EQ(templates->choose("ERR_Y", "de").text, "Internal Error: Missing Template ERR_Y");
  EXPECT_EQ(warnings_.back(), "WARNING: failed to find or read error text file ERR_Y");
}

TEST_F(TemplateTree, ALanguageTagIsNeverAPathOfItsOwn) {
  write("secret", "no");
  auto templates = load(language("en", false));
  EXPECT_EQ(templates->choose("ERR_X", "../custom, ..").text, "english %c");
}

TEST_F(TemplateTree, AnUnreadableStylesheetIsSquidsEmptyOne) {
  auto templates = load(language("en", true, root_ + "/none.css"));
  EXPECT_EQ(templates->stylesheet(), "");
  write("style.css", "body{color:red}");
  EXPECT_EQ(load(language("en", true, root_ + "/style.css"))->stylesheet(), "body{color:red}");
}

TEST(AcceptLanguageTags, AreReadAsSquidReadsThem) {
  EXPECT_EQ(accept_language_tags("en-GB;q=0.8, fr , x1, de_AT,*"),
            (std::vector<std::string>{"en-gb", "fr", "de-at", "*"}));
  EXPECT_EQ(accept_language_tags(" , ;q=1"), std::vector<std::string>{});
}

ErrorPageFacts request_facts() {
  ErrorPageFacts f;
  f.method = "GET";
  f.url = "http://example.com/a?b=<c>";
  f.scheme = "http";
  f.host = "example.com";
  f.path = "/a?b=<c>";
  f.port = 80;
  f.request_head = "GET /a?b=<c> HTTP/1.1\nHost: example.com\r\nProxy-Authorization: Basic eDp5\r\n";
  f.client_ip = "127.0.0.1";
  f.page = "ERR_CONNECT_FAIL";
  f.sys_errno = 111;
  f.server_ip = "127.0.0.2";
  f.hostname = "cache1";
  f.now = 0;
  f.product = "cuttle/1";
  return f;
}

TEST(ErrorCodes, APageShowsTheFailureAsSquidsTemplatesDo) {
  const auto f = request_facts();
  EXPECT_EQ(expand_error_codes("%c|%e|%E|%I|%H|%p|%P|%M|%i|%h|%s", f, false),
            "ERR_CONNECT_FAIL|111|(111) Connection refused|127.0.0.2|example.com|80|http|GET|127.0.0.1|cache1|cuttle/1");
  EXPECT_EQ(expand_error_codes("%U %T", f, false), "http://example.com/a?b=&lt;c&gt; Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(expand_error_codes("%R", f, false),
            "GET /a?b=&lt;c&gt; HTTP/1.1\nHost: example.com\r\nProxy-Authorization: ** NOT DISPLAYED **\r\n");
  EXPECT_EQ(expand_error_codes("%z|%m|%o|%x|%D|%L|%B|%f", f, false),
            "[unknown]|[not available]|[not available]|[Unknown Error Code]|[No Error Detail]|[not available]||nothing");
}

TEST(ErrorCodes, WithoutARequestSquidsPlaceholdersShow) {
  ErrorPageFacts f;
  EXPECT_EQ(expand_error_codes("%H|%M|%p|%P|%R|%U|%I|%E", f, false),
            "[unknown host]|[unknown method]|[unknown port]|[unknown protocol]|[no request]|[no URL]|[unknown]|[No Error]");
}

TEST(ErrorCodes, TheMailtoLinkCarriesTheErrorAsSquidsDumpWritesIt) {
  auto f = request_facts();
  f.email_err_data = true;
  const auto link = expand_error_codes("mailto:%w%W", f, false);
  EXPECT_TRUE(link.starts_with("mailto:webmaster?subject=CacheErrorInfo%20-%20ERR_CONNECT_FAIL&amp;body=CacheHost%3A%20cache1%0D%0A"))
      << link;
  EXPECT_NE(link.find("Err%3A%20(111)%20Connection%20refused%0D%0A"), std::string::npos) << link;
  EXPECT_NE(link.find("ServerIP%3A%20example.com%0D%0A"), std::string::npos) << link;
  EXPECT_NE(link.find("Proxy-Authorization%3A%20Basic%20eDp5"), std::string::npos)
      << "Squid's Dump does not mask: the mail goes to the administrator";
  f.email_err_data = false;
  EXPECT_EQ(expand_error_codes("mailto:%w%W", f, false), "mailto:webmaster");
}

TEST(ErrorCodes, TheSignatureAndStylesheetAreMarkupNotText) {
  auto f = request_facts();
  f.stylesheet = "p > b {}";
  EXPECT_EQ(expand_error_codes("%l", f, false), "p > b {}");
  EXPECT_EQ(expand_error_codes("%S", f, false),
            "\n<br>\n<hr>\n<div id=\"footer\">\nGenerated Thu, 01 Jan 1970 00:00:00 GMT by cache1 (cuttle/1)\n</div>\n"
            "</body></html>\n");
}

TEST(TemplatePages, CarryTheErrnoAndTheLanguageHeadersSquidSends) {
  const auto f = request_facts();
  auto negotiated = template_page_response(503, {"<p>%E</p>", "de", true}, f);
  EXPECT_EQ(negotiated.result_int(), 503u);
  EXPECT_EQ(negotiated["X-Squid-Error"], "ERR_CONNECT_FAIL 111");
  EXPECT_EQ(negotiated["Vary"], "Accept-Language");
  EXPECT_EQ(negotiated["Content-Language"], "de");
  EXPECT_EQ(negotiated.body(), "<p>(111) Connection refused</p>");
  auto pinned = template_page_response(503, {"x", "", false}, f);
  EXPECT_EQ(pinned.count("Vary"), 0u);
  EXPECT_EQ(pinned.count("Content-Language"), 0u);
}

}  // namespace error_templates_test
}  // namespace cuttle
