#include "proxy/config/error_page_directives.h"

#include <filesystem>

namespace cuttle {
namespace {

// Squid's TYPE string: one word; "none" is no value.
std::string string_value(DirectiveArgs& args, std::string_view what) {
  auto value = args.next(what).text;
  args.expect_end();
  return value == "none" ? std::string() : value;
}

}  // namespace

void error_directory(DirectiveArgs& args, ParseContext& ctx) {
  auto& pages = ctx.config.error_pages;
  pages.directory = string_value(args, "directory");
  // Squid reads every template from it at startup and runs with "Missing
  // Template" pages when it cannot: say so now.
  std::error_code ec;
  if (!pages.directory.empty() && !std::filesystem::is_directory(pages.directory, ec))
    ctx.warn("error_directory '" + pages.directory + "' is not a directory: pages fall back to " +
             pages.root + "/templates");
}

void error_default_language(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.error_pages.default_language = string_value(args, "language");
}

void err_page_stylesheet(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.error_pages.stylesheet_file = string_value(args, "file");
}

void error_log_languages(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.error_pages.log_missing_languages = args.read_on_off();
  args.expect_end();
}

// TYPE eol: the rest of the line as written.
void err_html_text(DirectiveArgs& args, ParseContext& ctx) {
  std::string_view rest = args.raw();
  rest.remove_prefix(std::min(rest.size(), rest.find_first_not_of(" \t")));
  while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t')) rest.remove_suffix(1);
  ctx.config.error_pages.html_text = std::string(rest);
  while (args.next_if_any()) {
  }
}

void email_err_data(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.error_pages.email_err_data = args.read_on_off();
  args.expect_end();
}

}  // namespace cuttle
