#include "proxy/config/outgoing_directives.h"

#include <charconv>

namespace cuttle {
namespace {

AccessRule acl_list(DirectiveArgs& args, ParseContext& ctx) {
  AccessRule rule;
  rule.allow = true;
  rule.where = ctx.where;
  while (auto word = args.next_if_any()) rule.acls.push_back(acl_reference(word->text, args.directive(), ctx));
  return rule;
}

// Squid's xstrtoui with base 0: decimal, 0x hex or 0 octal, up to `max`.
uint32_t read_number(const std::string& text, uint32_t max, const std::string& directive) {
  int base = 10;
  std::string_view digits = text;
  if (digits.starts_with("0x") || digits.starts_with("0X")) {
    base = 16;
    digits.remove_prefix(2);
  } else if (digits.size() > 1 && digits.starts_with('0')) {
    base = 8;
    digits.remove_prefix(1);
  }
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || value > max)
    throw DirectiveError(directive + ": bad value '" + text + "' (a number up to " + std::to_string(max) + ")");
  return static_cast<uint32_t>(value);
}

// Squid's acl_tos line. The two lowest bits are ECN's, the kernel's: squid clears
// them, with its warning.
OutgoingValueLine tos_line(DirectiveArgs& args, ParseContext& ctx) {
  const auto value = read_number(args.next("TOS value").text, 255, args.directive());
  if (value & 3)
    ctx.warn("WARNING: Tos value '" + std::to_string(value) + "' adjusted to '" + std::to_string(value & 0xFC) +
             "' (as squid)");
  return {value & 0xFC, acl_list(args, ctx)};
}

}  // namespace

void tcp_outgoing_address(DirectiveArgs& args, ParseContext& ctx) {
  const auto text = args.next("address").text;
  boost::system::error_code bad;
  const auto address = boost::asio::ip::make_address(text, bad);
  if (bad) throw DirectiveError("tcp_outgoing_address: '" + text + "' is not an IP address");
  ctx.config.outgoing.addresses.push_back({address, acl_list(args, ctx)});
}

void tcp_outgoing_tos(DirectiveArgs& args, ParseContext& ctx) { ctx.config.outgoing.tos.push_back(tos_line(args, ctx)); }

void clientside_tos(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.outgoing.client_tos.push_back(tos_line(args, ctx));
}

void tcp_outgoing_mark(DirectiveArgs& args, ParseContext& ctx) {
  const auto text = args.next("mark").text;
  if (text.find('/') != std::string::npos)
    throw DirectiveError("tcp_outgoing_mark: a mask ('" + text +
                         "') is not implemented by cuttle yet and it will not run without it");
  ctx.config.outgoing.marks.push_back({read_number(text, UINT32_MAX, "tcp_outgoing_mark"), acl_list(args, ctx)});
}

}  // namespace cuttle
