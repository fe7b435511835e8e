// Replies made from Squid's error templates: an error page in a template's
// words, and what a deny_info line gives a denial (a redirect whose URL carries
// request values, or a page of its own).
#pragma once

#include "proxy/config/deny_info.h"
#include "proxy/http/error_codes.h"
#include "proxy/http/error_templates.h"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace cuttle {

using TemplateResponse = boost::beast::http::response<boost::beast::http::string_body>;

// Squid's ErrorState::BuildHttpReply for a page: `chosen` with its %-codes
// filled in, X-Squid-Error naming facts.page and the errno, and the language
// headers Squid sends (Vary and Content-Language when negotiated).
TemplateResponse template_page_response(unsigned status, const ChosenTemplate& chosen, const ErrorPageFacts& facts);

// The reply for a denial that would otherwise be a `status` ERR_ACCESS_DENIED;
// `info` is a redirect or a page (TCP_RESET is the caller's to do). Its page
// is never translated; Squid still marks it as it marks translated ones unless
// error_directory pins the pages.
TemplateResponse deny_info_response(const DenyInfo& info, unsigned status, ErrorPageFacts facts,
                                    const ErrorPageSettings& settings);

}  // namespace cuttle
