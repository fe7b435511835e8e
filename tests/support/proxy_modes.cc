#include "tests/support/proxy_modes.h"

namespace cuttle::testing {

std::string mode_name(ProxyMode mode) { return mode == ProxyMode::Forward ? "Forward" : "Accelerator"; }

WholeConfig mode_config(ProxyMode mode, const OriginServer& origin, const std::string& who, const TempDir& dir,
                        const std::string& extra) {
  const auto port = free_port();
  std::string text = "http_port 127.0.0.1:" + std::to_string(port);
  if (mode == ProxyMode::Accelerator)
    text += std::string(" accel defaultsite=") + kAcceleratedSite + "\ncache_peer 127.0.0.1 parent " +
            std::to_string(origin.port()) + " 0 no-query originserver name=site";
  text += "\n" + extra + "\n";
  if (who == "cuttle") text += "cache_dir lmdb " + dir.file("cache") + " 64\ncache_mem 0 MB\n";
  text += "icp_port 0\nhtcp_port 0\nhttp_access allow localhost\nhttp_access deny all\n";
  return WholeConfig{text, port};
}

std::string mode_url(ProxyMode mode, const OriginServer& origin, const std::string& path) {
  return mode == ProxyMode::Forward ? origin.url(path) : std::string("http://") + kAcceleratedSite + path;
}

Response mode_request(unsigned short port, ProxyMode mode, const OriginServer& origin, const std::string& method,
                      const std::string& path, const std::string& extra, const std::string& body) {
  std::string head = extra;
  if (!body.empty() || method == "POST" || method == "PUT") head += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  head += "Connection: close\r\n";
  RawConnection c(port);
  if (mode == ProxyMode::Forward) c.send(request_text(method, origin.url(path), head) + body);
  else c.send(method + " " + path + " HTTP/1.1\r\nHost: " + kAcceleratedSite + "\r\n" + head + "\r\n" + body);
  return c.read_response(method == "HEAD");
}

}  // namespace cuttle::testing
