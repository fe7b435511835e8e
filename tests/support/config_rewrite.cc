#include "tests/support/config_rewrite.h"

#include "tests/support/temp_dir.h"

#include <set>
#include <sstream>
#include <vector>

namespace cuttle::testing {
namespace {

// Directives whose files or sockets a test fixture provides (or must not open).
const std::set<std::string, std::less<>> kDropped = {
    "cache_dir",    "access_log",  "cache_log",    "cache_store_log", "pid_filename", "coredump_dir",
    "netdb_filename", "icp_port",  "htcp_port",    "snmp_port",       "logfile_daemon", "prometheus_port",
    "workers"};

std::vector<std::string> words_of(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

// squid.conf lines with their backslash continuations joined.
std::vector<std::string> logical_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line, pending;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty() && line.back() == '\\') {
      pending += line.substr(0, line.size() - 1) + " ";
      continue;
    }
    lines.push_back(pending + line);
    pending.clear();
  }
  if (!pending.empty()) lines.push_back(pending);
  return lines;
}

}  // namespace

WholeConfig rewrite_for_test(const std::string& squid_conf) {
  WholeConfig result;
  std::ostringstream out;
  int peers = 0;
  for (const auto& line : logical_lines(squid_conf)) {
    auto words = words_of(line);
    if (words.empty() || words[0].starts_with('#')) continue;
    if (kDropped.contains(words[0])) continue;
    if (words[0] == "http_port" && words.size() > 1) {
      words[1] = std::to_string(free_port());
      if (!result.port) result.port = static_cast<unsigned short>(std::stoi(words[1]));
    } else if (words[0] == "cache_peer" && words.size() > 1) {
      bool named = false;
      for (const auto& w : words) named = named || w.starts_with("name=");
      if (!named) words.push_back("name=" + words[1]);
      words[1] = "127.0.1." + std::to_string(++peers);  // nothing listens there
    }
    out << joined(words) << "\n";
  }
  result.text = out.str();
  return result;
}

}  // namespace cuttle::testing
