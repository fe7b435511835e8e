#include "proxy/config/deny_info.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace cuttle {
namespace {

std::string read_template(const std::string& name, const std::vector<std::string>& dirs) {
  for (const auto& dir : dirs) {
    std::ifstream in(dir + "/" + name, std::ios::binary);
    if (!in) continue;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }
  return "Internal Error: Missing Template " + name;  // as squid 5.7 answers
}

// "307:http://...", "404:ERR_X" (Squid's ErrorDynamicPageInfo): a 3xx needs a URL
// after the colon, 2xx/4xx/5xx a page name without one.
void read_status_prefix(DenyInfo& info, const std::string& token) {
  const auto colon = token.find(':');
  unsigned status = 0;
  auto [end, ec] = std::from_chars(token.data(), token.data() + colon, status);
  if (ec != std::errc() || end != token.data() + colon || status < 200 || status > 599)
    throw std::invalid_argument("deny_info: bad status in '" + token + "' (200-599 expected)");
  info.status = status;
  info.target = token.substr(colon + 1);
  const bool redirect = status / 100 == 3;
  if (redirect != (info.target.find(':') != std::string::npos))
    throw std::invalid_argument("deny_info: '" + token + "': a 3xx status takes a URL, other statuses a page name");
  info.kind = redirect ? DenyInfo::Kind::Redirect : DenyInfo::Kind::Page;
}

}  // namespace

DenyInfo parse_deny_info(const std::vector<std::string>& words) {
  if (words.size() < 2) throw std::invalid_argument("deny_info: expected a page or URL and at least one ACL name");
  DenyInfo info;
  info.token = words.front();
  if (std::isdigit(static_cast<unsigned char>(info.token[0])) && info.token.find(':') != std::string::npos) {
    read_status_prefix(info, info.token);
  } else if (info.token == "TCP_RESET") {
    info.kind = DenyInfo::Kind::Reset;
  } else {
    info.kind = info.token.find(':') != std::string::npos ? DenyInfo::Kind::Redirect : DenyInfo::Kind::Page;
    info.target = info.token;
  }
  info.acls.assign(words.begin() + 1, words.end());
  return info;
}

void load_deny_info_templates(std::vector<DenyInfo>& lines, const std::vector<std::string>& dirs) {
  for (auto& line : lines)
    if (line.kind == DenyInfo::Kind::Page && line.target != "ERR_ACCESS_DENIED")
      line.template_text = read_template(line.target, dirs);
}

const DenyInfo* find_deny_info(const std::vector<DenyInfo>& lines, std::string_view acl, bool redirect_allowed) {
  for (const auto& line : lines) {
    if (!redirect_allowed && line.token.find(':') != std::string::npos) continue;
    if (std::find(line.acls.begin(), line.acls.end(), acl) != line.acls.end()) return &line;
  }
  return nullptr;
}

}  // namespace cuttle
