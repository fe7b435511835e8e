#include "proxy/config/header_additions.h"

#include "proxy/config/ascii_case.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace cuttle {
namespace {

// RFC 9110's token: a name with anything else would break the message sent.
bool is_field_name(std::string_view name) {
  constexpr std::string_view kOthers = "!#$%&'*+-.^_`|~";
  return !name.empty() && std::all_of(name.begin(), name.end(), [&](unsigned char c) {
    return std::isalnum(c) || kOthers.find(static_cast<char>(c)) != std::string_view::npos;
  });
}

HeaderAddition read_addition(DirectiveArgs& args, ParseContext& ctx) {
  HeaderAddition addition;
  addition.name = args.next("header name").text;
  if (!is_field_name(addition.name))
    throw DirectiveError(args.directive() + ": '" + addition.name + "' is not a header field name");
  const auto value = args.next("header value");
  if (value.quoted) {
    try {
      addition.format = custom_log_format(args.directive(), value.text);
    } catch (const std::invalid_argument& e) {
      throw DirectiveError(args.directive() + ": " + e.what());
    }
    // Squid shows the reply being built there: cuttle has no text of it yet.
    if (addition.format->reply_head && args.directive() == "reply_header_add")
      throw DirectiveError("reply_header_add: cuttle cannot fill in the code '%<h' there yet");
    // The request fields its codes show are kept for it, as for access.log lines.
    for (const auto& name : addition.format->request_headers) ctx.config.log_request_headers.insert(ascii_lowercase(name));
    if (addition.format->whole_headers) ctx.config.log_mime_hdrs = true;  // as squid 5.7's Format parser
  } else {
    addition.literal = value.text;
  }
  addition.acls.allow = true;
  addition.acls.where = ctx.where;
  while (auto word = args.next_if_any()) addition.acls.acls.push_back(acl_reference(word->text, args.directive(), ctx));
  return addition;
}

}  // namespace

void request_header_add(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.request_header_additions.push_back(read_addition(args, ctx));
}

void reply_header_add(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.reply_header_additions.push_back(read_addition(args, ctx));
}

}  // namespace cuttle
