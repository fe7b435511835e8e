#include "tests/support/varied_urls.h"

#include <random>

namespace cuttle::testing {

std::vector<std::string> varied_urls(size_t count, uint32_t seed, UrlVariety variety) {
  std::mt19937 rng(seed);
  auto pick = [&](auto const& choices) { return choices[rng() % std::size(choices)]; };
  auto chance = [&](int percent) { return static_cast<int>(rng() % 100) < percent; };
  static const char* const tlds[] = {"com", "org", "net", "example", "co.uk", "de"};
  static const char* const words[] = {"www", "cdn", "static", "img", "api", "news", "Shop", "mail", "a", "x-y"};
  static const char* const segments[] = {"index.html", "a", "b", "images", "logo.png", "search", "~user",
                                         "path%20with%20space", "v1", "Z", "a+b", "semi;colon", "%7Efile"};
  static const char* const non_ascii[] = {"caf\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac", "na\xc3\xafve"};

  std::vector<std::string> urls;
  urls.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    std::string scheme = variety.https && chance(20) ? "https" : "http";
    if (chance(10)) scheme = scheme == "http" ? "HTTP" : "HTTPS";
    std::string host = std::string(pick(words)) + std::to_string(rng() % 50) + "." + pick(words) + "." + pick(tlds);
    if (chance(15))
      for (auto& c : host) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    std::string port;
    int p = static_cast<int>(rng() % 100);
    if (p < 10) port = scheme.size() == 4 ? ":80" : ":443";  // the default, written out
    else if (p < 20) port = ":" + std::to_string(1024 + rng() % 60000);
    else if (p < 23) port = ":8080";
    std::string path;
    int depth = static_cast<int>(rng() % 5);
    for (int d = 0; d < depth; ++d) path += "/" + std::string(pick(segments));
    if (variety.non_ascii && chance(5)) path += "/" + std::string(pick(non_ascii));
    // No path at all ("http://host", "http://host?q") sometimes: Squid adds the "/".
    if ((path.empty() && chance(50)) || chance(30)) path += "/";
    if (chance(40)) path += "?q=" + std::to_string(rng() % 100000) + (chance(50) ? "&Lang=EN" : "");
    urls.push_back(scheme + "://" + host + port + path);
  }
  return urls;
}

}  // namespace cuttle::testing
