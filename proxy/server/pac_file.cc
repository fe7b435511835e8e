#include "proxy/server/pac_file.h"

#include "carp/pac.h"
#include "proxy/http/header_rules.h"
#include "proxy/http/http_date.h"

#include <chrono>

namespace cuttle {

std::string build_pac_script(const Config& config, const std::optional<carp::Array>& carp_parents) {
  carp::PacOptions options;
  options.direct_domains = config.pac.direct_domains;
  options.direct_when_all_fail = config.pac.direct_fallback;
  if (config.pac.members.empty()) return carp_parents ? carp::pac_script(*carp_parents, options) : std::string();
  std::vector<carp::Member> members;
  for (const auto& m : config.pac.members) members.push_back({m.name, m.host, m.port, m.weight, {}});
  return carp::pac_script(carp::Array(std::move(members)), options);
}

bool is_pac_request(http::verb method, std::string_view target) {
  if (method != http::verb::get && method != http::verb::head) return false;
  target = target.substr(0, target.find('?'));
  return target == "/proxy.pac" || target == "/wpad.dat";
}

http::response<http::string_body> pac_response(const std::string& script, bool head, std::string_view product) {
  http::response<http::string_body> res{script.empty() ? http::status::not_found : http::status::ok, 11};
  res.set(http::field::server, product);
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
