// Where error pages come from: cuttle's built-in pages, or Squid's templates
// (error_directory, error_default_language, err_page_stylesheet). Squid's own
// rules (errorpage.cc): error_directory pins one directory; without it the page
// is chosen from the languages of the request's Accept-Language, in the order
// listed, falling back to error_default_language and then to the templates.
#pragma once

#include "proxy/config/error_page_settings.h"

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace cuttle {

// A template chosen for one reply.
struct ChosenTemplate {
  std::string_view text;  // lives as long as the ErrorTemplates (or DenyInfo) it came from
  std::string language;  // Content-Language; empty: none (error_directory)
  bool negotiated = false;  // Vary: Accept-Language
};

class ErrorTemplates {
 public:
  using Warn = std::function<void(const std::string&)>;

  // Squid's errorInitialize: the stylesheet and each page's default template,
  // read once; a missing one is Squid's "Internal Error: Missing Template NAME".
  // An unreadable err_page_stylesheet is an empty one, as in Squid (and a warning).
  static std::shared_ptr<const ErrorTemplates> load(const ErrorPageSettings& settings, Warn warn);

  // The template for page `name` (ERR_CONNECT_FAIL) given the request's
  // Accept-Language (its fields joined with ", ").
  ChosenTemplate choose(std::string_view name, std::string_view accept_language) const;

  const std::string& stylesheet() const { return stylesheet_; }
  // Squid's TemplateFile::loadDefault: error_directory, the default language, the templates.
  std::string_view default_template(std::string_view name) const;

 private:
  std::optional<std::string_view> translated(const std::string& language, std::string_view name) const;

  ErrorPageSettings settings_;
  Warn warn_;
  std::string stylesheet_;
  std::set<std::string, std::less<>> languages_;  // the root's sub-directories: nothing else is opened
  // Read once each, never dropped: what choose() returns points into them.
  mutable std::mutex mutex_;
  mutable std::map<std::string, std::optional<std::string>, std::less<>> translations_;  // "lang/NAME"
  mutable std::map<std::string, std::string, std::less<>> defaults_;
};

// Squid's strHdrAcptLangGetItem: the language tags of an Accept-Language value in
// the order written (quality values are not weighed), lower-cased; a tag with a
// byte other than a-z, '-' and '*' is skipped.
std::vector<std::string> accept_language_tags(std::string_view value);

}  // namespace cuttle
