// The directives that choose and fill error pages: error_directory,
// error_default_language, err_page_stylesheet, error_log_languages,
// err_html_text, email_err_data (squid 5.7's cf.data.pre types).
#pragma once

#include "proxy/config/directives.h"

namespace cuttle {

void error_directory(DirectiveArgs& args, ParseContext& ctx);
void error_default_language(DirectiveArgs& args, ParseContext& ctx);
void err_page_stylesheet(DirectiveArgs& args, ParseContext& ctx);
void error_log_languages(DirectiveArgs& args, ParseContext& ctx);
void err_html_text(DirectiveArgs& args, ParseContext& ctx);
void email_err_data(DirectiveArgs& args, ParseContext& ctx);

}  // namespace cuttle
