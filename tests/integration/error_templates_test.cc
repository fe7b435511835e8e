// Error pages from Squid's own templates, differentially against squid 5.7:
// error_directory pins the pages (no language headers), and without it the
// page's language follows the request's Accept-Language; the same statuses,
// X-Squid-Error, language headers and bodies (dates, host and product names
// masked) from both, with err_html_text, err_page_stylesheet and cache_mgr.
#include "tests/support/differential.h"
#include "tests/support/temp_dir.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <regex>
#include <string>
#include <vector>

namespace cuttle::testing {
namespace error_templates_test {

namespace fs = std::filesystem;

// What differs between the two by design: the time, the host's and the product's names.
std::string masked(std::string text) {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  static const std::regex date(R"([A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT)");
  static const std::regex escaped_date("TimeStamp%3A%20.*?GMT");
  static const std::regex product(R"((squid/5\.7|cuttle/[0-9.]+))");
  text = std::regex_replace(text, date, "DATE");
  text = std::regex_replace(text, escaped_date, "TimeStamp%3A%20DATE");
  text = std::regex_replace(text, product, "PRODUCT");
  for (const std::string& name : {std::string("cuttle-test"), std::string(host)}) {
    for (size_t at = text.find(name); !name.empty() && at != std::string::npos; at = text.find(name, at))
      text.replace(at, name.size(), "HOST");
  }
  return text;
}

std::string seen(Response r) {
  return std::to_string(r.result_int()) + "\nX-Squid-Error: " + std::string(r["X-Squid-Error"]) +
         "\nVary: " + std::string(r["Vary"]) + "\nContent-Language: " + std::string(r["Content-Language"]) +
         "\nContent-Type: " + std::string(r["Content-Type"]) + "\n" + masked(r.body());
}

template <class Proxy>
std::string ask(Proxy& proxy, const std::string& method, const std::string& url, const std::string& headers = "") {
  RawConnection conn(proxy.port());
  conn.send(request_text(method, url, headers));
  return seen(conn.read_response(method == "HEAD"));
}

// World-readable files: squid runs as its own user.
void readable(const fs::path& path) {
  fs::permissions(path, fs::is_directory(path) ? fs::perms::all
                                                : fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
}

std::string copy_of_squids_templates(const TempDir& dir) {
  const fs::path pages = dir.file("errors");
  fs::create_directories(pages);
  for (const auto& entry : fs::directory_iterator("/usr/share/squid/errors/templates"))
    fs::copy_file(entry.path(), pages / entry.path().filename());
  dir.write("style.css", "#content > p { color: #333 }\n");
  for (const auto& path : {fs::path(dir.path()), pages, fs::path(dir.file("style.css"))}) readable(path);
  for (const auto& entry : fs::directory_iterator(pages)) readable(entry.path());
  return pages.string();
}

std::string common_lines(const TempDir& dir) {
  return "acl denied dstdomain .denied.example\n"
         "http_access deny denied\n"
         "cache_mgr admin@example.org\n"
         "err_html_text Call the <b>help desk</b> on 123.\n"
         "err_page_stylesheet " + dir.file("style.css") + "\n";
}

TEST(ErrorTemplates, ErrorDirectoryPagesAreSquids) {
  if (!SquidProcess::available()) GTEST_FAIL() << "squid 5.7 is not installed (scripts/install-deps.sh)";
  TempDir dir;
  const auto config =
      "error_directory " + copy_of_squids_templates(dir) + "\nemail_err_data on\n" + common_lines(dir);
  const auto closed = "http://127.0.0.1:" + std::to_string(free_port());
  auto [by_squid, by_cuttle] = through_squid_then_cuttle(config, [&](auto& proxy) {
    return std::vector<std::string>{
        ask(proxy, "GET", "http://www.denied.example/a?b=<c>&d='e'", "User-Agent: test/1\r\n"),
        ask(proxy, "GET", closed + "/gone", "Accept-Language: de\r\n"),
        ask(proxy, "POST", closed + "/form", "Content-Length: 0\r\n"),
        ask(proxy, "GET", closed + "/cached-only", "Cache-Control: only-if-cached\r\n"),
    };
  });
  ASSERT_EQ(by_squid.size(), by_cuttle.size());
  for (size_t i = 0; i < by_squid.size(); ++i) EXPECT_EQ(by_cuttle[i], by_squid[i]) << "request " << i;
  EXPECT_TRUE(by_squid[0].starts_with("403\nX-Squid-Error: ERR_ACCESS_DENIED 0\nVary: \nContent-Language: \n"))
      << by_squid[0];
  EXPECT_NE(by_squid[1].find("(111) Connection refused"), std::string::npos) << by_squid[1];
  EXPECT_NE(by_squid[1].find("Accept-Language%3A%20de%0D%0A"), std::string::npos) << "the request in the mailto link";
  EXPECT_NE(by_squid[0].find("#content > p { color: #333 }"), std::string::npos) << "the stylesheet";
}

TEST(ErrorTemplates, ThePageLanguageFollowsAcceptLanguageAsInSquid) {
  if (!SquidProcess::available()) GTEST_FAIL() << "squid 5.7 is not installed (scripts/install-deps.sh)";
  TempDir dir;
  copy_of_squids_templates(dir);
  // cuttle keeps its own pages unless asked for Squid's; error_default_language
  // asks, and names squid's own default (English).
  const auto config = "error_default_language en\n" + common_lines(dir);
  const auto closed = "http://127.0.0.1:" + std::to_string(free_port());
  auto [by_squid, by_cuttle] = through_squid_then_cuttle(config, [&](auto& proxy) {
    return std::vector<std::string>{
        ask(proxy, "GET", closed + "/1", "Accept-Language: de-DE, en;q=0.5\r\n"),
        ask(proxy, "GET", closed + "/2", "Accept-Language: xx-yy, pt_BR;q=0.1\r\n"),
        ask(proxy, "GET", closed + "/3", "Accept-Language: *, de\r\n"),
        ask(proxy, "GET", closed + "/4"),
        ask(proxy, "GET", "http://denied.example/", "Accept-Language: fr\r\n"),
    };
  });
  ASSERT_EQ(by_squid.size(), by_cuttle.size());
  for (size_t i = 0; i < by_squid.size(); ++i) EXPECT_EQ(by_cuttle[i], by_squid[i]) << "request " << i;
  EXPECT_NE(by_squid[0].find("Content-Language: de-de\n"), std::string::npos) << by_squid[0];
  EXPECT_NE(by_squid[4].find("Content-Language: fr\n"), std::string::npos) << by_squid[4];
  EXPECT_NE(by_squid[3].find("mailto:admin@example.org\""), std::string::npos) << "email_err_data is off unless set";
}

// %A is the address the client connected to (squid's FindListeningPortAddress),
// "-" when no request could be parsed.
TEST(ErrorTemplates, ListeningAddressCodeIsSquids) {
  if (!SquidProcess::available()) GTEST_FAIL() << "squid 5.7 is not installed (scripts/install-deps.sh)";
  TempDir dir;
  const fs::path pages = dir.file("errors");
  fs::create_directories(pages);
  for (const auto* name : {"ERR_ACCESS_DENIED", "ERR_INVALID_URL", "ERR_INVALID_REQ", "ERR_PROTOCOL_UNKNOWN"})
    dir.write("errors/" + std::string(name), std::string(name) + " A=[%A] b=[%b]\n");
  for (const auto& path : {fs::path(dir.path()), pages}) readable(path);
  for (const auto& entry : fs::directory_iterator(pages)) readable(entry.path());
  const auto config = "error_directory " + pages.string() + "\n" + common_lines(dir);
  auto [by_squid, by_cuttle] = through_squid_then_cuttle(config, [&](auto& proxy) {
    const auto port = std::to_string(proxy.port());
    auto unported = [&](std::string page) { return std::regex_replace(page, std::regex(port), "PORT"); };
    RawConnection garbage(proxy.port());
    garbage.send("GET\r\n\r\n");
    // Only the codes of the unparsed request: squid calls "GET" alone an unknown
    // protocol, cuttle an invalid request (a difference of its own).
    const auto unparsed = seen(garbage.read_response());
    return std::vector<std::string>{unported(ask(proxy, "GET", "http://www.denied.example/")),
                                    unported(unparsed.substr(unparsed.find(" A=")))};
  });
  EXPECT_EQ(by_cuttle, by_squid);
  ASSERT_EQ(by_squid.size(), 2u);
  EXPECT_NE(by_squid[0].find("A=[127.0.0.1] b=[PORT]"), std::string::npos) << by_squid[0];
  EXPECT_EQ(by_squid[1], " A=[-] b=[PORT]\n");
}

}  // namespace error_templates_test
}  // namespace cuttle::testing
