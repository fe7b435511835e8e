// logformat codes beyond the native line's, against squid 5.7: the same requests
// through squid and cuttle, each logging to a file of its own with the codes of
// issue 20 (ports and addresses, request size, the server's status, the line's
// number, error names and details, the external ACL's user, helper notes, reply
// header fields), give the same lines. Only the client's ephemeral port and the
// proxy's own port are masked, each after checking it is the right one; each
// line's %sn is checked to be its index in its file (squid also logs the
// fixture's port probe, cuttle does not).
#include "proxy/http/http_date.h"
#include "tests/support/differential.h"
#include "tests/support/helper_files.h"
#include "tests/support/log_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <sstream>
#include <thread>

namespace cuttle::testing {
namespace log_codes_test {

namespace fs = std::filesystem;

struct Request {
  std::string method, path, headers;
};

// A fresh reply (Date and max-age: a hit next time), a stale one with a
// validator (revalidated: the server's 304 reaches the log, the client gets 200),
// or a 404.
OriginReply reply_for(const RecordedRequest& req) {
  OriginReply reply;
  const auto now = http_date(std::chrono::system_clock::now());
  reply.status = req.target == "/missing" ? 404 : 200;
  reply.headers = {{"Content-Type", "text/plain"}, {"X-Test", "a b"}, {"X-Test", "c%d"}, {"Date", now}};
  if (req.target == "/stale") {
    reply.headers.emplace_back("Cache-Control", "max-age=0");
    reply.headers.emplace_back("Last-Modified", "Mon, 01 Jan 2024 00:00:00 GMT");
    if (req.has_header("If-Modified-Since")) {
      reply.status = 304;
      return reply;
    }
  } else {
    reply.headers.emplace_back("Cache-Control", "max-age=600");
  }
  reply.body = "hello";
  return reply;
}

// `line` with "KEY=VALUE" replaced by "KEY=NAME" when VALUE is `expected`;
// anything else stays, to fail the comparison.
std::string masked(std::string line, const std::string& key, const std::string& expected, const std::string& name) {
  const auto field = " " + key + "=" + expected + " ";
  if (auto at = line.find(field); at != std::string::npos) line.replace(at, field.size(), " " + key + "=" + name + " ");
  return line;
}

// %sn must be the line's index in its file; the number is masked then.
std::string sequence_checked(std::string line, size_t index) {
  return masked(std::move(line), "sn", std::to_string(index), "INDEX");
}

TEST(LogFormatCodes, ValuesAreSquids) {
  OriginServer origin(reply_for);
  HelperFiles files("cuttle-log-codes");
  const auto rules = files.write("rules", "alice\tOK user=alice k=v1 k=v2 other=x%20y\n^bob\tOK\n");
  TempDir dir;
  fs::permissions(dir.path(), fs::perms::all);
  auto config = [&](const std::string& who) {
    return "cache_mem 8 MB\nvisible_hostname cuttle-test\n"
           "external_acl_type t %>{X-User} " + files.script("rules_helper.py") + " " + rules + "\n"
           "acl ext external t\nacl denied urlpath_regex /denied\nhttp_access deny denied\nhttp_access allow ext\n"
           "logformat codes %rp cp=%>p la=%la lp=%lp a=%<a sp=%<p st=%>st shs=%<Hs chs=%>Hs sn=%sn "
           "err=%err_code det=%err_detail ue=%ue note=%note n1=%{k}note n2=%{k:;}note n3=%{nope}note "
           "rh=%{X-Test}<h ct=%{Content-Type}<h cc=%{Cache-Control}<h none=%{X-None}<h end\n"
           "access_log stdio:" + dir.file(who + ".log") + " codes\n";
  };
  const std::vector<Request> requests = {
      {"GET", origin.url("/page"), "X-User: alice\r\n"},
      {"GET", origin.url("/page"), "X-User: alice\r\n"},  // a hit: no server status or port
      {"POST", origin.url("/post"), "X-User: bob\r\nContent-Length: 3\r\n\r\nabc"},
      {"GET", origin.url("/denied"), ""},
      {"GET", origin.url("/missing"), "X-User: bob\r\n"},
      {"GET", origin.url("/stale"), "X-User: bob\r\n"},
      {"GET", origin.url("/stale"), "X-User: bob\r\n"},  // revalidated: 304 from the server
      {"GET", "http://127.0.0.1:1/closed", "X-User: bob\r\n"},
  };
  int runs = 0;
  auto [by_squid, by_cuttle] = through_squid_then_cuttle(config, [&](auto& proxy) {
    const std::string who = runs++ == 0 ? "squid" : "cuttle";
    std::vector<unsigned short> client_ports;
    for (const auto& r : requests) {
      RawConnection conn(proxy.port());
      client_ports.push_back(conn.socket().local_endpoint().port());
      auto text = request_text(r.method, r.path, r.headers);
      if (r.headers.find("\r\n\r\n") != std::string::npos) text.resize(text.size() - 2);  // the body ended it
      conn.send(text);
      conn.read_response();
    }
    // squid also logs the fixture's port probe, first.
    const size_t written = requests.size() + (who == "squid" ? 1 : 0);
    const auto all = wait_for_lines(dir.file(who + ".log"), written, std::chrono::seconds(5));
    std::vector<std::string> lines;
    for (size_t i = all.size() >= requests.size() ? all.size() - requests.size() : 0, n = 0; i < all.size(); ++i, ++n) {
      auto line = masked(all[i], "cp", std::to_string(client_ports.at(n)), "CLIENT");
      line = masked(line, "lp", std::to_string(proxy.port()), "PROXY");
      lines.push_back(sequence_checked(line, i));
    }
    return lines;
  });
  ASSERT_EQ(by_squid.size(), requests.size());
  for (size_t i = 0; i < by_squid.size(); ++i) EXPECT_EQ(by_cuttle.at(i), by_squid[i]);
}

// Native, common and custom lines with whole headers: masked are times, sizes
// (each proxy's own headers differ in length) and Date values. The replies
// themselves differ where cuttle's differ from squid's on the wire (Via before
// X-Cache, no explicit "Connection: keep-alive", Cache-Status on hits, its
// product name): those fields are normalised in both header encodings; what the
// log adds is compared as it is.
std::string mime_masked(std::string line) {
  static const std::vector<std::pair<std::regex, std::string>> masks = [] {
    std::vector<std::pair<std::regex, std::string>> m = {
        {std::regex(R"(^\d{9,10}\.\d{3} +\d+ )"), "TIME ELAPSED "},
        {std::regex(R"(\[\d\d/\w\w\w/\d{4}:\d\d:\d\d:\d\d [-+]\d{4}\])"), "[TIME]"},
        {std::regex(R"((/\d{3}|" \d{3}) \d+ )"), "$1 SIZE "},
        {std::regex(R"(Date:( |%20)\w{3},( |%20)\d\d( |%20)\w{3}( |%20)\d{4}( |%20)[\d:]{8}( |%20)GMT)"), "Date: DATE"},
        {std::regex(R"(\((squid/5\.7|cuttle(/[\d.]+)?)\))"), "(PRODUCT)"},
    };
    for (const std::string sep : {R"(\\r\\n)", "%0D%0A"}) {
      const std::string field = "(?:(?!" + sep + ").)*" + sep;
      m.emplace_back(std::regex("Connection:(?: |%20)keep-alive" + sep), "");
      m.emplace_back(std::regex("Cache-Status:" + field), "");
      m.emplace_back(std::regex("(Via:" + field + ")((?:X-Cache(?:-Lookup)?:" + field + ")+)"), "$2$1");
    }
    return m;
  }();
  for (const auto& [pattern, replacement] : masks) line = std::regex_replace(line, pattern, replacement);
  return line;
}

template <class Proxy>
std::vector<std::string> mime_lines(Proxy& proxy, const OriginServer& origin, const TempDir& dir,
                                    const std::string& who) {
  const std::string port = std::to_string(proxy.port());
  for (const auto* path : {"/page", "/page", "/missing"}) {
    RawConnection conn(proxy.port());
    conn.send(request_text("GET", origin.url(path), "User-Agent: T/1 (x)\r\nX-Odd: 50% [x] \\ y\r\n"));
    conn.read_response();
  }
  std::vector<std::string> lines;
  for (const auto* format : {"native", "common", "whole"}) {
    const auto all = wait_for_lines(dir.file(who + "-" + format + ".log"), who == "squid" ? 4 : 3,
                                    std::chrono::seconds(5));
    for (size_t i = all.size() >= 3 ? all.size() - 3 : 0; i < all.size(); ++i) {
      auto line = mime_masked(all[i]);
      for (auto at = line.find(port); at != std::string::npos; at = line.find(port)) line.replace(at, port.size(), "PROXY");
      lines.push_back(std::string(format) + ": " + line);
    }
  }
  return lines;
}

std::string mime_config(const TempDir& dir, const std::string& who, const std::string& extra) {
  std::string text = "visible_hostname cuttle-test\ncache_mem 8 MB\nlogformat whole %rp REQ=%>h REP=%<h\n" + extra;
  for (const auto* format : {"native", "common", "whole"})
    text += "access_log stdio:" + dir.file(who + "-" + format + ".log") + " " +
            (std::string(format) == "native" ? "squid" : format) + "\n";
  return text;
}

// A logformat with %>h or %<h without a name turns log_mime_hdrs on in squid 5.7.
TEST(LogFormatCodes, WholeHeadersAndLogMimeHdrsAreSquids) {
  OriginServer origin(reply_for);
  TempDir dir;
  fs::permissions(dir.path(), fs::perms::all);
  int runs = 0;
  auto [by_squid, by_cuttle] = through_squid_then_cuttle(
      [&](const std::string& who) { return mime_config(dir, who, ""); },
      [&](auto& proxy) { return mime_lines(proxy, origin, dir, runs++ == 0 ? "squid" : "cuttle"); });
  ASSERT_EQ(by_squid.size(), 9u);
  for (size_t i = 0; i < by_squid.size(); ++i) EXPECT_EQ(by_cuttle.at(i), by_squid[i]);
}

// A later `log_mime_hdrs off` still decides: no bracketed headers, and %>h alone
// has nothing to show, while %<h still shows the reply.
TEST(LogFormatCodes, LogMimeHdrsOffAfterTheFormatIsSquids) {
  OriginServer origin(reply_for);
  TempDir dir;
  fs::permissions(dir.path(), fs::perms::all);
  int runs = 0;
  auto [by_squid, by_cuttle] = through_squid_then_cuttle(
      [&](const std::string& who) { return mime_config(dir, who, "log_mime_hdrs off\n"); },
      [&](auto& proxy) { return mime_lines(proxy, origin, dir, runs++ == 0 ? "squid" : "cuttle"); });
  ASSERT_EQ(by_squid.size(), 9u);
  for (size_t i = 0; i < by_squid.size(); ++i) EXPECT_EQ(by_cuttle.at(i), by_squid[i]);
}

// squid 5.7's stdio module writes each line as its transaction ends whatever
// buffered_logs says (ModStdio.cc's lineend flushes): each request's line is in
// the file within moments of its reply, with the directive on or off. cuttle
// does the same (with `on`, within its few-millisecond batch).
TEST(LogFormatCodes, BufferedLogsWriteStdioLinesAsTransactionsEnd) {
  OriginServer origin(reply_for);
  for (const std::string value : {"on", "off"}) {
    auto [by_squid, by_cuttle] = through_squid_then_cuttle("buffered_logs " + value + "\n", [&](auto& proxy) {
      std::vector<std::string> seen;
      for (int i = 0; i < 5; ++i) {
        const auto path = "/soon" + value + std::to_string(i);
        RawConnection conn(proxy.port());
        conn.send(request_text("GET", origin.url(path)));
        conn.read_response();
        const auto start = std::chrono::steady_clock::now();
        const bool written = !proxy.access_log_line_with(path, std::chrono::seconds(1)).empty();
        const bool soon = std::chrono::steady_clock::now() - start < std::chrono::milliseconds(500);
        seen.push_back(path + (written && soon ? " written" : " late"));
      }
      return seen;
    });
    EXPECT_EQ(by_cuttle, by_squid) << "buffered_logs " << value;
    EXPECT_EQ(by_squid.front(), "/soon" + value + "0 written");
  }
}

// strip_query_terms on (squid's default): the URL keeps its '?' and loses what
// follows, in access.log and %ru; %rp is still the whole path, as squid's.
TEST(LogFormatCodes, StripQueryTermsIsSquids) {
  OriginServer origin(reply_for);
  TempDir dir;
  fs::permissions(dir.path(), fs::perms::all);
  auto config = [&](const std::string& who) {
    return "strip_query_terms on\nlogformat q ru=%ru rp=%rp end\naccess_log stdio:" + dir.file(who + ".log") +
           " q\n";
  };
  int runs = 0;
  auto [by_squid, by_cuttle] = through_squid_then_cuttle(config, [&](auto& proxy) {
    const std::string who = runs++ == 0 ? "squid" : "cuttle";
    for (const char* path : {"/sq/a?user=alice&token=secret", "/sq/b?", "/sq/c"}) {
      RawConnection conn(proxy.port());
      conn.send(request_text("GET", origin.url(path), ""));
      conn.read_response();
    }
    std::vector<std::string> lines;
    for (const char* text : {"/sq/a", "/sq/b", "/sq/c"}) lines.push_back(proxy.access_log_line_with(text));
    // squid's file also has the fixture's port probe: wait for three of ours.
    std::vector<std::string> ours;
    for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
         ours.size() < 3 && std::chrono::steady_clock::now() < deadline;) {
      ours.clear();
      for (const auto& line : wait_for_lines(dir.file(who + ".log"), 0, std::chrono::milliseconds(0)))
        if (line.find("/sq/") != std::string::npos) ours.push_back(line);
      if (ours.size() < 3) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    lines.insert(lines.end(), ours.begin(), ours.end());
    // The native lines' URL fields only (times and sizes differ).
    for (size_t i = 0; i < 3; ++i) {
      std::istringstream in(lines[i]);
      std::vector<std::string> f;
      for (std::string w; in >> w;) f.push_back(w);
      lines[i] = f.size() > 6 ? f[6] : "short: " + lines[i];
    }
    return lines;
  });
  EXPECT_EQ(by_cuttle, by_squid);
  EXPECT_EQ(by_squid.at(0), origin.url("/sq/a?"));
}

}  // namespace log_codes_test
}  // namespace cuttle::testing
