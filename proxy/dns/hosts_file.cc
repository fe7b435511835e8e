#include "proxy/dns/hosts_file.h"

#include "proxy/config/ascii_case.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iostream>
#include <vector>

namespace cuttle::dns {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Squid takes a name only when whitespace follows it: the last word of a line
// chopped at '#' without a blank before the '#' is dropped, as there.
std::vector<std::string> words_followed_by_blank(std::string_view line) {
  std::vector<std::string> words;
  size_t start = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    if (!is_blank(line[i])) continue;
    if (i > start) words.emplace_back(line.substr(start, i - start));
    start = i + 1;
  }
  return words;
}

}  // namespace

HostsFile parse_hosts_file(std::istream& in, std::string_view append_domain) {
  HostsFile hosts;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with('#')) continue;
    const bool ended_by_newline = !in.eof();  // getline ate it; it ends the line's last name
    if (const auto comment = line.find('#'); comment != std::string::npos)
      line.resize(comment);
    else if (ended_by_newline)
      line += '\n';
    auto words = words_followed_by_blank(line);
    if (words.size() < 2) continue;
    boost::system::error_code bad;
    const auto address = boost::asio::ip::make_address(words.front(), bad);
    if (bad) continue;  // squid skips the line
    std::string first;
    for (size_t w = 1; w < words.size(); ++w) {
      auto name = words[w];
      if (!append_domain.empty() && name.find_first_of(".:") == std::string::npos) name += append_domain;
      name = ascii_lowercase(std::move(name));
      hosts.addresses[name] = address;  // a later line replaces an earlier one, as in squid
      if (first.empty()) first = name;
    }
    hosts.names[address.to_string()] = first;
  }
  return hosts;
}

HostsFile read_hosts_file(const std::string& path, std::string_view append_domain) {
  if (path.empty() || path == "none") return {};
  std::ifstream in(path);
  if (!in) {
    std::cerr << "cuttle: hosts_file '" << path << "' cannot be read; resolving without it (as squid)" << std::endl;
    return {};
  }
  return parse_hosts_file(in, append_domain);
}

}  // namespace cuttle::dns
