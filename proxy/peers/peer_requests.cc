#include "proxy/peers/peer_requests.h"

#include <boost/beast/core/detail/base64.hpp>

namespace cuttle {
namespace {

std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string peer_credentials(const CachePeerConfig& peer, std::string_view client_proxy_authorization) {
  if (peer.login.empty()) return {};
  if (peer.login == "PASS" || peer.login == "PASSTHRU") return std::string(client_proxy_authorization);
  if (peer.login.find(':') == std::string::npos) return {};
  namespace b64 = boost::beast::detail::base64;
  std::string encoded(b64::encoded_size(peer.login.size()), '\0');
  encoded.resize(b64::encode(encoded.data(), peer.login.data(), peer.login.size()));
  return "Basic " + encoded;
}

bool passes_authorization(const CachePeerConfig& peer) {
  return !peer.originserver || peer.login == "PASS" || peer.login == "PASSTHRU" || peer.login == "PROXYPASS";
}

bool via_names(std::string_view via, std::string_view hostname, std::string_view product) {
  // Each element is "protocol received-by [comment]"; received-by may carry a port.
  size_t start = 0;
  while (start < via.size()) {
    size_t end = via.find(',', start);
    if (end == std::string_view::npos) end = via.size();
    auto element = trim_spaces(via.substr(start, end - start));
    auto space = element.find_first_of(" \t");
    if (space != std::string_view::npos) {
      auto rest = trim_spaces(element.substr(space + 1));
      auto by = rest.substr(0, rest.find_first_of(" \t("));
      auto comment = trim_spaces(rest.substr(by.size()));
      const bool named = by == hostname ||
                         (by.starts_with(hostname) && by.size() > hostname.size() && by[hostname.size()] == ':');
      if (named && comment.size() > product.size() && comment[0] == '(' && comment.substr(1).starts_with(product))
        return true;
    }
    start = end + 1;
  }
  return false;
}

}  // namespace cuttle
