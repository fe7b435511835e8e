// A real browser behind a bumping cuttle: headless Chromium, trusting the bump
// CA through its NSS database (as an admin's desktop policy installs it), loads
// an HTTPS page and its images through the proxy; a second browser (a fresh
// profile, so nothing comes from its own cache) gets them from cuttle's cache.
// Everything runs in a private network namespace: nothing leaves the machine.
#include "proxy/http/http_date.h"
#include "tests/support/cuttle_process.h"
#include "tests/support/origin_server.h"
#include "tests/support/private_network.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace cuttle::testing {
namespace ssl_bump_browser_test {

constexpr const char* kChromium = "/usr/bin/chromium";
constexpr const char* kCertutil = "/usr/bin/certutil";
constexpr int kImages = 8;

// The page counts its images that loaded into its title once everything has.
OriginReply page_or_image(const RecordedRequest& req) {
  OriginReply r;
  r.headers = {{"Cache-Control", "max-age=600"}, {"Date", http_date(std::chrono::system_clock::now())}};
  if (req.target == "/index.html") {
    r.headers.emplace_back("Content-Type", "text/html");
    r.body = "<html><head><title>loading</title></head><body onload=\"document.title = 'loaded ' + "
             "[...document.images].filter(i => i.naturalWidth > 0).length\">";
    for (int i = 0; i < kImages; ++i) r.body += "<img src=\"/img/" + std::to_string(i) + ".gif\">";
    r.body += "</body></html>";
  } else {
    r.headers.emplace_back("Content-Type", "image/gif");
    r.body = std::string("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff\x21\xf9\x04\x01\x00\x00\x00\x00"
                         "\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00\x3b",
                         43);
  }
  return r;
}

// A HOME whose NSS database trusts `ca_file` to identify web sites.
std::string home_trusting(const TempDir& dir, const std::string& ca_file) {
  const auto nssdb = dir.file("home/.pki/nssdb");
  std::filesystem::create_directories(nssdb);
  run_command({kCertutil, "-d", "sql:" + nssdb, "-N", "--empty-password"});
  run_command({kCertutil, "-d", "sql:" + nssdb, "-A", "-n", "cuttle-bump-ca", "-t", "C,,", "-i", ca_file});
  return dir.file("home");
}

// The page's DOM as a fresh Chromium profile saw it through the proxy.
std::string load_page(const std::string& home, const std::string& profile, unsigned short proxy_port,
                      const std::string& url) {
  auto run = run_command({"env", "HOME=" + home, kChromium, "--headless=new", "--no-sandbox", "--disable-gpu",
                          "--no-first-run", "--disable-background-networking", "--disable-component-update",
                          "--disable-sync", "--disable-default-apps", "--disable-extensions", "--no-pings",
                          "--disable-domain-reliability", "--user-data-dir=" + profile,
                          "--proxy-server=http://127.0.0.1:" + std::to_string(proxy_port),
                          "--proxy-bypass-list=<-loopback>", "--virtual-time-budget=10000", "--dump-dom", url},
                         std::chrono::seconds(60));
  return run.output;
}

// What the origin was asked for the page (the browser's /favicon.ico aside).
size_t page_requests(const OriginServer& origin) {
  size_t n = 0;
  for (const auto& req : origin.requests()) n += req.target != "/favicon.ico";
  return n;
}

// Result codes of the log's lines for `url_prefix` (its favicon aside), in order.
std::vector<std::string> results_for(const CuttleProcess& cuttle, const std::string& url_prefix) {
  std::vector<std::string> results;
  std::ifstream log(cuttle.access_log_path());
  for (std::string line; std::getline(log, line);) {
    std::istringstream fields(line);
    std::string time, elapsed, client, result, size, method, url;
    fields >> time >> elapsed >> client >> result >> size >> method >> url;
    if (method == "GET" && url.starts_with(url_prefix) && !url.ends_with("/favicon.ico")) results.push_back(result);
  }
  return results;
}

TEST(SslBumpBrowser, ChromiumTrustingTheBumpCaLoadsAPageThroughCuttleThenFromItsCache) {
  ASSERT_EQ(::access(kChromium, X_OK), 0) << "chromium is not installed (scripts/install-deps.sh installs it)";
  ASSERT_EQ(::access(kCertutil, X_OK), 0) << "certutil is not installed (libnss3-tools)";
  ASSERT_EQ(enter_private_network({{}, "127.0.0.1 localhost\n"}), "");
  TestCertificates certs;
  TempDir dir("cuttle-bump-browser");
  certs.copy_other_ca_for_bumping(dir.file("bump-ca.pem"), dir.file("bump-ca.key"));
  OriginServer origin(page_or_image, certs.cert_file(), certs.key_file());
  // Only the test's origin is served: the browser's own requests are denied.
  CuttleProcess cuttle("ssl_bump bump all\ntls_outgoing_options cafile=" + certs.ca_file() +
                           "\ncache_mem 16 MB\nacl test_origin dstdomain localhost\nhttp_access deny !test_origin\n",
                       "ssl-bump tls-cert=" + dir.file("bump-ca.pem") + " tls-key=" + dir.file("bump-ca.key") +
                           " generate-host-certificates=on");
  const auto home = home_trusting(dir, dir.file("bump-ca.pem"));
  const std::string site = "https://localhost:" + std::to_string(origin.port());
  const std::string loaded = "<title>loaded " + std::to_string(kImages) + "</title>";

  auto first = load_page(home, dir.file("profile1"), cuttle.port(), site + "/index.html");
  EXPECT_NE(first.find(loaded), std::string::npos) << first.substr(0, 3000);
  EXPECT_EQ(page_requests(origin), 1u + kImages);
  auto second = load_page(home, dir.file("profile2"), cuttle.port(), site + "/index.html");
  EXPECT_NE(second.find(loaded), std::string::npos) << second.substr(0, 3000);
  EXPECT_EQ(page_requests(origin), 1u + kImages) << "the second browser's requests were all hits";

  // Logged as https:// URLs: misses for the first browser, hits for the second.
  std::vector<std::string> results;
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
       results.size() < 2u * (1 + kImages) && std::chrono::steady_clock::now() < deadline;
       std::this_thread::sleep_for(std::chrono::milliseconds(50)))
    results = results_for(cuttle, site + "/");
  ASSERT_EQ(results.size(), 2u * (1 + kImages));
  for (size_t i = 0; i < results.size(); ++i)
    EXPECT_EQ(results[i], i <= kImages ? "TCP_MISS/200" : "TCP_MEM_HIT/200") << i;
}

}  // namespace ssl_bump_browser_test
}  // namespace cuttle::testing
