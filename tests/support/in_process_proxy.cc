#include "tests/support/in_process_proxy.h"

#include "proxy/config/config_parser.h"

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace cuttle::testing {

InProcessProxy::InProcessProxy(const std::string& config, size_t chunk_size) : port_(free_port()) {
  const std::string text = config + "\nhttp_port 127.0.0.1:" + std::to_string(port_) +
                           "\nhttp_access allow all\nvisible_hostname cuttle-test\n";
  auto loaded = load_config_text(text, "in-process.conf", dir_.path());
  if (!loaded.config) throw std::runtime_error("the test's configuration does not load:\n" + text);
  runtime_ = std::make_unique<ProxyRuntime>(loaded.config);
  auto cache = std::make_unique<store::MemoryCache>(chunk_size);
  cache_ = cache.get();
  runtime_->use_store(std::move(cache));
  runtime_->access_log().open({dir_.file("access.log")});
  worker_ = std::make_unique<Worker>(*runtime_, 0);
  worker_->listen(loaded.config->http_ports);
  worker_->start();
}

InProcessProxy::~InProcessProxy() {
  worker_.reset();  // stops its thread before the runtime it uses goes
  runtime_.reset();
}

std::vector<std::string> InProcessProxy::access_log() {
  runtime_->access_log().flush();
  std::ifstream in(dir_.file("access.log"));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

std::string InProcessProxy::result(size_t n) {
  auto lines = access_log();
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
       lines.size() < n && std::chrono::steady_clock::now() < deadline; lines = access_log())
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  if (n == 0 || lines.size() < n) return "";
  // Squid's native format: time elapsed client code/status bytes method URL ...
  std::istringstream fields(lines[n - 1]);
  std::string field;
  for (int i = 0; i < 4 && fields >> field; ++i) {
  }
  return field;
}

}  // namespace cuttle::testing
