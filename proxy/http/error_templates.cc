#include "proxy/http/error_templates.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace cuttle {
namespace {

constexpr size_t kMaxTagLength = 255;  // Squid's lang[256] buffer

std::optional<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return std::move(text).str();
}

std::set<std::string, std::less<>> sub_directories(const std::string& root) {
  std::set<std::string, std::less<>> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(root, ec))
    if (entry.is_directory(ec)) names.insert(entry.path().filename().string());
  return names;
}

// One tag from `pos`: Squid lower-cases it, reads '_' as '-', and stops at ';',
// ',' or a blank; whatever follows up to the next ',' is skipped.
std::optional<std::string> next_tag(std::string_view value, size_t& pos) {
  while (pos < value.size() && std::isspace(static_cast<unsigned char>(value[pos]))) ++pos;
  std::string tag;
  bool invalid = false;
  for (; pos < value.size() && value[pos] != ';' && value[pos] != ',' &&
         !std::isspace(static_cast<unsigned char>(value[pos])) && tag.size() < kMaxTagLength;
       ++pos) {
    if (invalid) continue;
    char c = value[pos] == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(value[pos])));
    if (c != '-' && c != '*' && (c < 'a' || c > 'z')) invalid = true;
    else tag += c;
  }
  while (pos < value.size() && value[pos] != ',') ++pos;
  if (pos < value.size()) ++pos;
  if (invalid || tag.empty()) return std::nullopt;
  return tag;
}

}  // namespace

std::vector<std::string> accept_language_tags(std::string_view value) {
  std::vector<std::string> tags;
  size_t pos = 0;
  while (pos < value.size())
    if (auto tag = next_tag(value, pos)) tags.push_back(std::move(*tag));
  return tags;
}

std::shared_ptr<const ErrorTemplates> ErrorTemplates::load(const ErrorPageSettings& settings, Warn warn) {
  auto templates = std::make_shared<ErrorTemplates>();
  templates->settings_ = settings;
  templates->warn_ = std::move(warn);
  templates->languages_ = sub_directories(settings.root);
  if (!settings.stylesheet_file.empty()) {
    auto text = read_file(settings.stylesheet_file);
    // Squid goes on without it, silently; the administrator hears of it here.
    if (text) templates->stylesheet_ = std::move(*text);
    else if (templates->warn_) templates->warn_("err_page_stylesheet: cannot read '" + settings.stylesheet_file + "'");
  }
  return templates;
}

std::string_view ErrorTemplates::default_template(std::string_view name) const {
  std::lock_guard lock(mutex_);
  if (auto found = defaults_.find(name); found != defaults_.end()) return found->second;
  std::optional<std::string> text;
  for (const auto& dir : settings_.template_dirs()) {
    if ((text = read_file(std::filesystem::path(dir) / name))) break;
    if (dir == settings_.language_dir() && warn_) warn_("Unable to load default error language files. Reset to backups.");
  }
  if (!text) {
    if (warn_) warn_("WARNING: failed to find or read error text file " + std::string(name));
    text = "Internal Error: Missing Template " + std::string(name);
  }
  return defaults_.emplace(std::string(name), std::move(*text)).first->second;
}

std::optional<std::string_view> ErrorTemplates::translated(const std::string& language, std::string_view name) const {
  // Only the root's own directories are opened: a tag is never a path of its own.
  if (!languages_.contains(language)) return std::nullopt;
  const std::string key = language + "/" + std::string(name);
  std::lock_guard lock(mutex_);
  auto found = translations_.find(key);
  if (found == translations_.end())
    found = translations_.emplace(key, read_file(std::filesystem::path(settings_.root) / language / name)).first;
  if (!found->second) return std::nullopt;
  return std::string_view(*found->second);
}

ChosenTemplate ErrorTemplates::choose(std::string_view name, std::string_view accept_language) const {
  if (!settings_.directory.empty()) return {default_template(name), "", false};
  for (const auto& tag : accept_language_tags(accept_language)) {
    if (tag == "*") break;  // Squid: the wildcard means the configured default
    if (auto text = translated(tag, name)) return {*text, tag, true};
    if (settings_.log_missing_languages && warn_) warn_("WARNING: Error Pages Missing Language: " + tag);
  }
  const auto language = settings_.default_language.empty() ? std::string("en") : settings_.default_language;
  return {default_template(name), language, true};
}

}  // namespace cuttle
