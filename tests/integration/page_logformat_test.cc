// @Squid{%code} in error page templates and deny_info URLs against squid 5.7:
// the same templates and requests through squid and cuttle give the same pages
// and Location, the codes showing the transaction as squid has it while it
// builds the page (no method, status or result yet; the forwarding error
// already recorded for a connect failure, not for a denial). A bad sequence is
// fatal at start-up in both, in the same words; after a reconfiguration it is
// reported and the page shows the template as written from the sequence on.
#include "tests/support/differential.h"
#include "tests/support/temp_dir.h"

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <regex>
#include <thread>

namespace cuttle::testing {
namespace page_logformat_test {

namespace fs = std::filesystem;

// World-readable: squid runs as its own user.
void readable(const fs::path& path) {
  fs::permissions(path, fs::is_directory(path) ? fs::perms::all
                                                : fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
}

// An error_directory with these pages (name, text), readable by squid.
std::string pages_dir(const TempDir& dir, const std::vector<std::pair<std::string, std::string>>& pages) {
  const fs::path root = dir.file("errors");
  fs::create_directories(root);
  for (const auto& [name, text] : pages) dir.write("errors/" + name, text);
  readable(dir.path());
  readable(root);
  for (const auto& entry : fs::directory_iterator(root)) readable(entry.path());
  return root.string();
}

const std::string kDeniedPage =
    "DENIED a=@Squid{%>a} rm=@Squid{%rm} ru=@Squid{%ru} rp=@Squid{%rp} rv=@Squid{%rv} Hs=@Squid{%>Hs} "
    "Ss=@Squid{%Ss} Sh=@Squid{%Sh} un=@Squid{%un} ec=@Squid{%err_code} ed=@Squid{%err_detail} "
    "h=@Squid{%{X-T}>h} hm=@Squid{%{X-T:;k}>h} ha=@Squid{%{X-T:j}>ha} rh=@Squid{%{Server}<h} n=@Squid{%note} "
    "st=@Squid{%<st} mt=@Squid{%mt} la=@Squid{%la} q=@Squid{%\"{X-T}>h} raw=@Squid{%'{X-T}>h} "
    "sp=@Squid{%>a } w=@Squid{%-5rm}| pct=@Squid{%%} tr=@Squid{%tr} sst=@Squid{%>st} shs=@Squid{%<Hs} "
    "ue=@Squid{%ue} sa=@Squid{%<a} sn=@Squid{%sn} legacy=%U <b>%c</b>\n";
const std::string kConnectFailPage =
    "CF ru=@Squid{%ru} Hs=@Squid{%>Hs} sa=@Squid{%<a} ec=@Squid{%err_code} ed=@Squid{%err_detail} "
    "Sh=@Squid{%Sh} Ss=@Squid{%Ss} shs=@Squid{%<Hs} n=@Squid{%{k}note}\n";

std::string common_lines(const std::string& pages) {
  return "strip_query_terms off\n"  // as the squid fixture has it
         "error_directory " + pages + "\n"
         "acl denied dstdomain .denied.example\n"
         "acl sent_away dstdomain .away.example\n"
         "http_access deny denied\n"
         "http_access deny sent_away\n"
         "deny_info http://example.net/?u=@Squid{%>a}&k=@Squid{%{X-T:;k}>h}&raw=@Squid{%'{X-T}>h}&s=%s sent_away\n";
}

template <class Proxy>
std::string page(Proxy& proxy, const std::string& url, const std::string& headers = "") {
  RawConnection conn(proxy.port());
  conn.send(request_text("GET", url, headers));
  auto response = conn.read_response();
  return std::to_string(response.result_int()) + " Location: " + std::string(response["Location"]) + "\n" +
         std::regex_replace(response.body(), std::regex(R"((squid/5\.7|cuttle/[0-9.]+))"), "PRODUCT");
}

TEST(PageLogformat, PagesAreSquids) {
  if (!SquidProcess::available()) GTEST_FAIL() << "squid 5.7 is not installed (scripts/install-deps.sh)";
  TempDir dir;
  const auto pages = pages_dir(dir, {{"ERR_ACCESS_DENIED", kDeniedPage}, {"ERR_CONNECT_FAIL", kConnectFailPage}});
  const auto closed = "http://127.0.0.1:" + std::to_string(free_port());
  const std::string x_t = "X-T: k=v1; j=<2>, k=v3\r\n";
  auto [by_squid, by_cuttle] = through_squid_then_cuttle(common_lines(pages), [&](auto& proxy) {
    return std::vector<std::string>{
        page(proxy, "http://www.denied.example/p?q=1", x_t),
        page(proxy, "http://www.denied.example/none"),
        page(proxy, closed + "/gone?x=y", x_t),
        page(proxy, "http://www.away.example/", "X-T: k=a b; x=1\r\n"),
    };
  });
  ASSERT_EQ(by_squid.size(), by_cuttle.size());
  for (size_t i = 0; i < by_squid.size(); ++i) EXPECT_EQ(by_cuttle[i], by_squid[i]) << "request " << i;
  // What squid showed, so the comparison covers what it should.
  EXPECT_NE(by_squid[0].find("rm=- ru=http://www.denied.example/p?q=1 rp=/p?q=1 rv=0.0 Hs=0 Ss=NONE_NONE"),
            std::string::npos) << by_squid[0];
  EXPECT_NE(by_squid[0].find("hm=v1 "), std::string::npos) << by_squid[0];
  EXPECT_NE(by_squid[2].find("ec=ERR_CONNECT_FAIL ed=WITH_SERVER Sh=HIER_DIRECT"), std::string::npos) << by_squid[2];
  EXPECT_NE(by_squid[3].find("302 Location: http://example.net/?u=127.0.0.1&k=a%20b&raw=k=a b; x=1&s="),
            std::string::npos) << by_squid[3];
}

// The words of squid's (and cuttle's) complaint: "Bad @Squid{logformat}
// sequence near …" and its "additional info" line.
std::string complaint(const std::string& text) {
  std::smatch m;
  if (!std::regex_search(text, m, std::regex(R"((Bad @Squid\{logformat\} sequence near [^\n]*\n\s*additional info: [^\n]*))")))
    return "no complaint in:\n" + text;
  return m[1];
}

template <class Proxy>
std::string refusal(const std::string& config) {
  try {
    Proxy proxy(config);
  } catch (const std::exception& e) {
    return complaint(e.what());
  }
  return "started";
}

TEST(PageLogformat, ABadSequenceIsFatalAtStartAsInSquid) {
  if (!SquidProcess::available()) GTEST_FAIL() << "squid 5.7 is not installed (scripts/install-deps.sh)";
  // Each refusal costs the fixtures' wait for a port: two sequences, one bad in
  // its code and one in its brace (unit.PageLogformat.* has the others).
  for (const std::string bad : {"@Squid{%>a x}", "@Squid{%nosuch} end"}) {
    TempDir dir;
    const auto pages = pages_dir(dir, {{"ERR_ACCESS_DENIED", "P " + bad + " END\n"}});
    const auto config = common_lines(pages);
    const auto by_squid = refusal<SquidProcess>(config);
    EXPECT_TRUE(by_squid.starts_with("Bad @Squid{logformat} sequence near")) << by_squid;
    EXPECT_EQ(refusal<CuttleProcess>(config), by_squid) << bad;
  }
}

// The denial page before and after `reload()` (which rewrites the template
// and tells the proxy to reconfigure), once the new page is served.
template <class Proxy, class Reload>
std::vector<std::string> before_and_after(Proxy& proxy, Reload reload) {
  const std::string url = "http://www.denied.example/";
  const auto before = page(proxy, url);
  reload();
  std::string after;
  for (int i = 0; i < 50 && after.find("\nBAD") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    try {
      after = page(proxy, url);
    } catch (const std::exception& e) {
      after = e.what();  // squid closes its port while it reconfigures
    }
  }
  return {before, after};
}

// Reconfigured with a bad sequence, both keep serving: the page shows the
// template as written from the bad sequence on, and the error is reported.
TEST(PageLogformat, ABadSequenceAfterReconfigureIsShownAsWritten) {
  if (!SquidProcess::available()) GTEST_FAIL() << "squid 5.7 is not installed (scripts/install-deps.sh)";
  TempDir dir;
  const std::string good = "GOOD @Squid{%>a}\n";
  const auto pages = pages_dir(dir, {{"ERR_ACCESS_DENIED", good}});
  auto write_page = [&](const std::string& text) {
    dir.write("errors/ERR_ACCESS_DENIED", text);
    readable(dir.file("errors/ERR_ACCESS_DENIED"));
  };
  const std::string bad = "BAD u=%U a=@Squid{%>a} @Squid{%>a oops} %U @Squid{%>a}\n";
  const std::string complaint_start = "ERR_ACCESS_DENIED: Bad @Squid{logformat} sequence near @Squid{%>a oops...";
  std::vector<std::string> by_squid, by_cuttle;
  {
    SquidProcess squid(common_lines(pages));
    by_squid = before_and_after(squid, [&] {
      write_page(bad);
      squid.control({"-k", "reconfigure"});
    });
    EXPECT_NE(squid.cache_log().find("ERROR: " + pages + "/" + complaint_start), std::string::npos) << squid.cache_log();
  }
  write_page(good);
  {
    CuttleProcess cuttle(common_lines(pages));
    by_cuttle = before_and_after(cuttle, [&] {
      write_page(bad);
      ASSERT_EQ(::kill(cuttle.pid(), SIGHUP), 0);
    });
    EXPECT_NE(cuttle.output().find("ERROR: " + complaint_start), std::string::npos) << cuttle.output();
  }
  EXPECT_EQ(by_cuttle, by_squid);
  ASSERT_EQ(by_squid.size(), 2u);
  EXPECT_EQ(by_squid[0], "403 Location: \nGOOD 127.0.0.1\n");
  EXPECT_EQ(by_squid[1], "403 Location: \nBAD u=http://www.denied.example/ a=127.0.0.1 @Squid{%>a oops} %U @Squid{%>a}\n");
}

}  // namespace page_logformat_test
}  // namespace cuttle::testing
