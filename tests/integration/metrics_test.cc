// Prometheus metrics through real sockets: cuttle's /metrics listener counts what
// access.log records, promtool accepts the exposition, and a real Prometheus
// server scrapes it and reports the same request count.
#include "tests/support/child_process.h"
#include "tests/support/cuttle_process.h"
#include "tests/support/http_client.h"
#include "tests/support/origin_server.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <thread>

namespace cuttle::testing {
namespace metrics_test {

Response get(unsigned short port, const std::string& path) {
  RawConnection conn(port);
  conn.send("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\n\r\n");
  return conn.read_response();
}

// The value of the first exposition line starting with `series`, or -1.
double sample(const std::string& exposition, const std::string& series) {
  std::istringstream lines(exposition);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  return -1;
}

OriginReply counted(const RecordedRequest&) {
  OriginReply r;
  r.headers = {{"Cache-Control", "max-age=60"}};
  r.body = "counted";
  return r;
}

struct MetricsSetup {
  TempDir dir;
  unsigned short metrics_port = free_port();
  OriginServer origin{counted};
  std::unique_ptr<CuttleProcess> cuttle;
  explicit MetricsSetup(const std::string& extra = "") {
    cuttle = std::make_unique<CuttleProcess>("cache_dir lmdb " + dir.file("cache") + " 16\nprometheus_port 127.0.0.1:" +
                                             std::to_string(metrics_port) + "\nicp_port " + std::to_string(free_port()) +
                                             "\n" + extra);
  }
  // Three misses and two hits.
  void make_requests() {
    for (auto path : {"/a", "/b", "/c", "/a", "/b"}) ASSERT_EQ(proxy_get(cuttle->port(), origin.url(path)).body(), "counted");
    cuttle->access_log_lines(5);
  }
};

TEST(Metrics, RequestsAreCountedByResultAndPromtoolAcceptsTheExposition) {
  MetricsSetup s;
  s.make_requests();
  auto res = get(s.metrics_port, "/metrics");
  ASSERT_EQ(res.result_int(), 200);
  EXPECT_EQ(res[http::field::content_type].substr(0, 10), "text/plain");
  const std::string& text = res.body();
  EXPECT_EQ(sample(text, "cuttle_requests_total{method=\"GET\",result=\"TCP_MISS\"}"), 3) << text;
  EXPECT_EQ(sample(text, "cuttle_requests_total{method=\"GET\",result=\"TCP_HIT\"}"), 2) << text;
  EXPECT_EQ(sample(text, "cuttle_request_duration_seconds_count{class=\"hit\"}"), 2) << text;
  // The store counts what its writer has committed: give the last object a moment.
  double objects = sample(text, "cuttle_store_objects");
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
       objects < 3 && std::chrono::steady_clock::now() < deadline;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    objects = sample(get(s.metrics_port, "/metrics").body(), "cuttle_store_objects");
  }
  EXPECT_EQ(objects, 3) << text;
  EXPECT_GT(sample(text, "process_resident_memory_bytes"), 0) << text;
  EXPECT_GT(sample(text, "cuttle_client_sent_bytes_total{source=\"cache\"}"), 0) << text;

  TempDir dir;
  dir.write("metrics.txt", text);
  auto check = run_command({"sh", "-c", "promtool check metrics < " + dir.file("metrics.txt")});
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_EQ(get(s.metrics_port, "/other").result_int(), 404);
}

TEST(Metrics, PrometheusAccessDeniesScrapes) {
  MetricsSetup s("prometheus_access deny all\n");
  EXPECT_EQ(get(s.metrics_port, "/metrics").result_int(), 403);
}

TEST(Metrics, ConfigReloadsAreCounted) {
  MetricsSetup s;
  ASSERT_EQ(s.cuttle->control({"-k", "reconfigure"}).exit_code, 0);
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
       std::chrono::steady_clock::now() < deadline;) {
    if (sample(get(s.metrics_port, "/metrics").body(), "cuttle_config_reloads_total{outcome=\"ok\"}") == 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(sample(get(s.metrics_port, "/metrics").body(), "cuttle_config_reloads_total{outcome=\"ok\"}"), 1);
}

TEST(Metrics, RevalidationsAreCountedByResult) {
  // A stale copy with a validator: the origin answers 304 to its If-None-Match.
  MetricsSetup s;
  s.origin.set_handler([](const RecordedRequest& req) {
    OriginReply r;
    r.headers = {{"Cache-Control", "max-age=0"}, {"ETag", "\"v1\""}};
    if (req.header("If-None-Match") == "\"v1\"") r.status = 304;
    else r.body = "validated";
    return r;
  });
  for (int i = 0; i < 3; ++i) ASSERT_EQ(proxy_get(s.cuttle->port(), s.origin.url("/stale")).body(), "validated");
  s.cuttle->access_log_lines(3);
  const auto text = get(s.metrics_port, "/metrics").body();
  EXPECT_EQ(sample(text, "cuttle_revalidations_total{result=\"TCP_REFRESH_UNMODIFIED\"}"), 2) << text;
  EXPECT_EQ(sample(text, "cuttle_revalidations_total{result=\"TCP_REFRESH_MODIFIED\"}"), 0) << text;
}

TEST(Metrics, ARealPrometheusScrapesCuttle) {
  // Misses go to a CARP parent (a loopback server answering as the origin does),
  // so the per-peer and CARP series the dashboard shows have samples.
  OriginServer parent(counted, "127.0.0.2");
  MetricsSetup s("cache_peer 127.0.0.2 parent " + std::to_string(parent.port()) +
                 " 0 carp no-query name=array1\n");
  s.make_requests();
  const std::string before = get(s.metrics_port, "/metrics").body();
  EXPECT_EQ(sample(before, "cuttle_carp_requests_total{member=\"array1\"}"), 3) << before;
  EXPECT_EQ(sample(before, "cuttle_peer_requests_total{peer=\"array1\"}"), 3) << before;
  EXPECT_EQ(sample(before, "cuttle_peer_up{peer=\"array1\"}"), 1) << before;
  TempDir prom;
  const unsigned short web_port = free_port();
  prom.write("prometheus.yml", "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: cuttle\n"
                               "    static_configs:\n      - targets: ['127.0.0.1:" +
                                   std::to_string(s.metrics_port) + "']\n");
  ChildProcess prometheus({"prometheus", "--config.file=" + prom.file("prometheus.yml"),
                           "--storage.tsdb.path=" + prom.file("data"),
                           "--web.listen-address=127.0.0.1:" + std::to_string(web_port)},
                          prom.file("prometheus.log"));
  ASSERT_TRUE(wait_for_port(web_port, std::chrono::seconds(30))) << prometheus.output();
  auto query = [&](const std::string& promql) {
    std::string escaped;
    for (char c : promql) {
      if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') escaped += c;
      else {
        char buf[4];
        std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
        escaped += buf;
      }
    }
    return get(web_port, "/api/v1/query?query=" + escaped).body();
  };
  // {"status":"success","data":{"resultType":"vector","result":[{"metric":{...},"value":[1700000000.1,"5"]}]}}
  const std::regex value(R"re("value":\[[0-9.]+,"([0-9.]+)"\])re");
  std::string up, total;
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
       std::chrono::steady_clock::now() < deadline;) {
    std::smatch m;
    auto answer = query("up{job=\"cuttle\"}");
    if (std::regex_search(answer, m, value)) up = m[1];
    answer = query("sum(cuttle_requests_total{method=\"GET\"})");
    if (std::regex_search(answer, m, value)) total = m[1];
    if (up == "1" && total == "5") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  EXPECT_EQ(up, "1") << prometheus.output();
  EXPECT_EQ(total, "5");

  // The Grafana dashboard shipped in etc/ asks only for series cuttle exports, in
  // PromQL this Prometheus accepts.
  std::ifstream file(std::string(CUTTLE_SOURCE_DIR) + "/etc/grafana-dashboard.json");
  std::string dashboard((std::istreambuf_iterator<char>(file)), {});
  const std::string exposition = get(s.metrics_port, "/metrics").body();
  const std::regex expr(R"re("expr": "((?:[^"\\]|\\.)*)")re"), name(R"re((cuttle|process)_[a-z_]+)re");
  int exprs = 0;
  for (std::sregex_iterator it(dashboard.begin(), dashboard.end(), expr), end; it != end; ++it, ++exprs) {
    std::string promql = std::regex_replace((*it)[1].str(), std::regex(R"(\\")"), "\"");
    for (std::sregex_iterator n(promql.begin(), promql.end(), name); n != std::sregex_iterator(); ++n)
      EXPECT_NE(exposition.find("\n" + n->str()), std::string::npos) << n->str() << " in " << promql;
    EXPECT_NE(query(promql).find("\"status\":\"success\""), std::string::npos) << promql;
  }
  EXPECT_GE(exprs, 22);
}

}  // namespace metrics_test
}  // namespace cuttle::testing
