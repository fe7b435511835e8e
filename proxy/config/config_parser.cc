#include "proxy/config/config_parser.h"

#include "proxy/config/directive_fates.h"
#include "proxy/config/directives.h"
#include "proxy/config/rewrite_directives.h"

#include <glob.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace cuttle {
namespace {

constexpr int kMaxIncludeDepth = 16;  // as Squid

std::vector<ConfigToken> tokenize(std::string_view line, const std::string& where) {
  std::vector<ConfigToken> tokens;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i >= line.size()) break;
    // As in Squid, an unquoted token that starts with '#' begins a trailing comment.
    if (line[i] == '#') break;
    ConfigToken token;
    if (line[i] == '"') {
      token.quoted = true;
      ++i;
      bool closed = false;
      while (i < line.size()) {
        char c = line[i++];
        if (c == '\\' && i < line.size()) {
          token.text += line[i++];
        } else if (c == '"') {
          closed = true;
          break;
        } else {
          token.text += c;
        }
      }
      if (!closed) throw ConfigError(where + ": unterminated quoted string");
    } else {
      while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) token.text += line[i++];
    }
    tokens.push_back(std::move(token));
  }
  return tokens;
}

class Parser {
 public:
  explicit Parser(Config& config) : config_(config) {}

  void parse_text(std::string_view text, const std::string& name, const std::string& base_dir, int depth) {
    std::istringstream in{std::string(text)};
    std::string raw, line;
    int line_number = 0, first_line = 0;
    while (std::getline(in, raw)) {
      ++line_number;
      if (!raw.empty() && raw.back() == '\r') raw.pop_back();
      // As in Squid, a comment line is dropped whole, even inside a continuation:
      // a trailing backslash on it must not swallow the next directive.
      if (auto first = raw.find_first_not_of(" \t"); first != std::string::npos && raw[first] == '#') continue;
      if (line.empty()) first_line = line_number;
      // A trailing backslash joins the next line (squid.conf continuation).
      if (!raw.empty() && raw.back() == '\\') {
        raw.pop_back();
        line += raw;
        continue;
      }
      line += raw;
      handle_line(line, name + ":" + std::to_string(first_line), base_dir, depth);
      line.clear();
    }
    if (!line.empty()) handle_line(line, name + ":" + std::to_string(first_line), base_dir, depth);
  }

  void parse_file(const std::string& path, int depth) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ConfigError(path + ": cannot read configuration file: " + std::strerror(errno));
    std::stringstream buffer;
    buffer << in.rdbuf();
    auto dir = std::filesystem::path(path).parent_path().string();
    parse_text(buffer.str(), path, dir.empty() ? "." : dir, depth);
  }

  std::vector<std::string>& warnings() { return warnings_; }

 private:
  void handle_line(const std::string& line, const std::string& where, const std::string& base_dir, int depth) {
    auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') return;
    auto tokens = tokenize(line, where);
    if (tokens.empty()) return;  // only other whitespace (\f, \v)
    std::string name = tokens.front().text;
    tokens.erase(tokens.begin());

    if (name == "include") {
      include(tokens, where, base_dir, depth);
      return;
    }
    const auto name_end = line.find_first_of(" \t\f\v", first);
    ParseContext context{config_, warnings_, where, base_dir};
    handle_directive(name, std::move(tokens), name_end == std::string::npos ? "" : line.substr(name_end), context);
  }

  // A directive cuttle implements, else what becomes of a Squid directive it
  // does not (directive_fates.h), which may be read as another, as squid reads
  // some obsolete ones.
  void handle_directive(const std::string& name, std::vector<ConfigToken> tokens, std::string raw,
                        ParseContext& context) {
    DirectiveArgs args(name, std::move(tokens), std::move(raw));
    try {
      if (auto handler = find_directive(name)) return handler(args, context);
      const auto* fate = find_directive_fate(name);
      if (!fate) throw ConfigError(context.where + ": unknown directive '" + name + "'");
      if (auto rewritten = apply_directive_fate(*fate, args, context))
        handle_directive(rewritten->name, std::move(rewritten->tokens), "", context);
    } catch (const DirectiveError& e) {
      throw ConfigError(context.where + ": " + e.what());
    }
  }

  void include(const std::vector<ConfigToken>& patterns, const std::string& where, const std::string& base_dir,
               int depth) {
    if (patterns.empty()) throw ConfigError(where + ": include: missing file name");
    if (depth >= kMaxIncludeDepth)
      throw ConfigError(where + ": include: nested more than " + std::to_string(kMaxIncludeDepth) + " levels deep");
    for (const auto& pattern : patterns) {
      std::filesystem::path p(pattern.text);
      if (p.is_relative()) p = std::filesystem::path(base_dir) / p;
      glob_t matches{};
      int rc = glob(p.c_str(), 0, nullptr, &matches);
      std::vector<std::string> files(matches.gl_pathv, matches.gl_pathv + matches.gl_pathc);
      globfree(&matches);
      if (rc == GLOB_NOMATCH || files.empty())
        throw ConfigError(where + ": include: no file matches '" + pattern.text + "'");
      if (rc != 0) throw ConfigError(where + ": include: cannot expand '" + pattern.text + "'");
      for (const auto& file : files) {
        try {
          parse_file(file, depth + 1);
        } catch (const ConfigError& e) {
          // Keep the innermost location first; name the include that led there.
          std::string what = e.what();
          if (what.starts_with(file + ": cannot read")) throw ConfigError(where + ": include: " + what);
          throw;
        }
      }
    }
  }

  Config& config_;
  std::vector<std::string> warnings_;
};

LoadedConfig finish(std::shared_ptr<Config> config, Parser& parser, const std::string& name) {
  try {
    finish_rewrite_helpers(*config);
    config->acl_needs = config->acls.needs();
    load_deny_info_templates(config->deny_info, config->error_pages.template_dirs());
    validate_config(*config);
  } catch (const DirectiveError& e) {
    throw ConfigError(name + ": " + e.what());
  }
  return {std::move(config), std::move(parser.warnings())};
}

}  // namespace

LoadedConfig load_config_file(const std::string& path) {
  auto config = std::make_shared<Config>();
  Parser parser(*config);
  parser.parse_file(path, 0);
  return finish(std::move(config), parser, path);
}

LoadedConfig load_config_text(std::string_view text, const std::string& name, const std::string& base_dir) {
  auto config = std::make_shared<Config>();
  Parser parser(*config);
  parser.parse_text(text, name, base_dir, 0);
  return finish(std::move(config), parser, name);
}

}  // namespace cuttle
