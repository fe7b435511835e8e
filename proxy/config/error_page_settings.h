// What squid.conf says about error pages: error_directory, error_default_language,
// err_page_stylesheet, error_log_languages, err_html_text, email_err_data.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cuttle {

// Debian's squid packages install the translated templates here (a link to
// squid-langpack); Squid's DEFAULT_SQUID_ERROR_DIR.
inline constexpr std::string_view kSquidErrorRoot = "/usr/share/squid/errors";

struct ErrorPageSettings {
  std::string directory;         // error_directory
  std::string default_language;  // error_default_language
  std::string stylesheet_file;   // err_page_stylesheet
  bool log_missing_languages = true;  // error_log_languages
  std::string root = std::string(kSquidErrorRoot);
  std::string html_text;         // err_html_text (%L)
  // %W: the error's facts in the administrator's mailto link. squid.conf.documented
  // says on, but squid 5.7 runs with it off unless the line is there (tested).
  bool email_err_data = false;

  // cuttle's built-in pages unless the configuration asks for Squid's templates.
  bool wants_templates() const {
    return !directory.empty() || !default_language.empty() || !stylesheet_file.empty();
  }
  // The default language's translations, when one is set.
  std::string language_dir() const { return default_language.empty() ? "" : root + "/" + default_language; }
  // Where a page's default template is looked for, in order (Squid's
  // TemplateFile::loadDefault): error_directory, the default language, the templates.
  std::vector<std::string> template_dirs() const {
    std::vector<std::string> dirs;
    if (!directory.empty()) dirs.push_back(directory);
    if (!default_language.empty()) dirs.push_back(language_dir());
    dirs.push_back(root + "/templates");
    return dirs;
  }
};

}  // namespace cuttle
