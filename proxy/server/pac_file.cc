#include "proxy/server/pac_file.h"

#include "carp/array.h"
#include "carp/pac.h"
#include "proxy/http/header_rules.h"
#include "proxy/http/http_date.h"

#include <chrono>

namespace cuttle {

std::string build_pac_script(const Config& config) {
  std::vector<carp::Member> members;
  for (const auto& m : config.pac.members) members.push_back({m.name, m.host, m.port, m.weight, {}});
  if (members.empty())
    for (const auto& peer : config.cache_peers)
      if (peer.carp) members.push_back({peer.name.empty() ? peer.host : peer.name, peer.host, peer.http_port,
                                        peer.weight, peer.carp_key});
  if (members.empty()) return {};
  carp::PacOptions options;
  options.direct_domains = config.pac.direct_domains;
  options.direct_when_all_fail = config.pac.direct_fallback;
  return carp::pac_script(carp::Array(std::move(members)), options);
}

bool is_pac_request(http::verb method, std::string_view target) {
  if (method != http::verb::get && method != http::verb::head) return false;
  target = target.substr(0, target.find('?'));
  return target == "/proxy.pac" || target == "/wpad.dat";
}

http::response<http::string_body> pac_response(const std::string& script, bool head) {
  http::response<http::string_body> res{script.empty() ? http::status::not_found : http::status::ok, 11};
  res.set(http::field::server, kProductToken);
  res.set(http::field::date, http_date(std::chrono::system_clock::now()));
  if (script.empty()) {
    res.set(http::field::content_type, "text/plain");
    res.body() = "No CARP array is configured (pac_member or cache_peer ... carp).\n";
  } else {
    res.set(http::field::content_type, std::string(carp::kPacContentType));
    // Browsers re-read it when the array changes after a reconfigure.
    res.set(http::field::cache_control, "max-age=300");
    res.body() = script;
  }
  res.prepare_payload();
  if (head) res.body().clear();  // Content-Length still describes the GET answer
  return res;
}

}  // namespace cuttle
