#include "proxy/config/transfer_directives.h"

namespace cuttle {
namespace {

// Squid's parseBytesLine64: "none" or "-1" is -1 (a unit after it is left
// unread, as Squid leaves it); else a size in `unit` unless the line names one.
int64_t read_size_or_none(DirectiveArgs& args, std::string_view unit) {
  const auto& first = args.peek().text;
  if (first == "none" || first == "-1") {
    args.next("size");
    return -1;
  }
  return static_cast<int64_t>(args.read_bytes(unit));
}

void skip_rest(DirectiveArgs& args) {
  while (args.next_if_any()) {
  }
}

// SIZE [UNITS]|none|-1 [[!]ACL…] (Squid's acl_b_size_t; bytes when no unit):
// the lines are tried in order, the first whose ACLs all match decides.
Config::BodySizeLimit read_size_limit_line(DirectiveArgs& args, ParseContext& ctx) {
  Config::BodySizeLimit line;
  if (const auto size = read_size_or_none(args, "bytes"); size >= 0) line.bytes = static_cast<uint64_t>(size);
  line.acls.allow = true;
  line.acls.where = ctx.where;
  while (auto word = args.next_if_any()) line.acls.acls.push_back(acl_reference(word->text, args.directive(), ctx));
  return line;
}

}  // namespace

void quick_abort_min(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.quick_abort.min_bytes = read_size_or_none(args, "KB");
  skip_rest(args);
}

void quick_abort_max(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.quick_abort.max_bytes = read_size_or_none(args, "KB");
  skip_rest(args);
}

void quick_abort_pct(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.quick_abort.pct = static_cast<int>(args.read_integer("percentage", 0, 100));
  args.expect_end();
}

void reply_body_max_size(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.reply_body_max_size.push_back(read_size_limit_line(args, ctx));
}

void range_offset_limit(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.range_offset_limit.push_back(read_size_limit_line(args, ctx));
}

}  // namespace cuttle
