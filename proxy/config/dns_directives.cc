#include "proxy/config/dns_directives.h"

#include <boost/asio/ip/address.hpp>

namespace cuttle {

// Squid's idnsAddNameserver: a name that is not a numeric address is rejected
// with a warning, the others kept; lines add to the list.
void dns_nameservers(DirectiveArgs& args, ParseContext& ctx) {
  while (auto token = args.next_if_any()) {
    boost::system::error_code not_numeric;
    boost::asio::ip::make_address(token->text, not_numeric);
    if (not_numeric) {
      ctx.warn("rejecting '" + token->text + "' as a name server, because it is not a numeric IP address (as squid)");
      continue;
    }
    ctx.config.dns.nameservers.push_back(token->text);
  }
}

void hosts_file(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.dns.hosts_file = args.next("file name").text;
  args.expect_end();
}

namespace {

std::chrono::milliseconds read_dns_time(DirectiveArgs& args) {
  const auto value = args.read_duration("seconds");
  args.expect_end();
  return value;
}

}  // namespace

void dns_timeout(DirectiveArgs& args, ParseContext& ctx) { ctx.config.dns.timeout = read_dns_time(args); }
void dns_retransmit_interval(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.dns.retransmit = read_dns_time(args);
}
void positive_dns_ttl(DirectiveArgs& args, ParseContext& ctx) { ctx.config.dns.positive_ttl = read_dns_time(args); }
void negative_dns_ttl(DirectiveArgs& args, ParseContext& ctx) { ctx.config.dns.negative_ttl = read_dns_time(args); }

void ipcache_size(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.dns.ipcache_size = static_cast<size_t>(args.read_integer("number of entries", 0, 1 << 30));
  args.expect_end();
}
void ipcache_low(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.dns.ipcache_low = static_cast<int>(args.read_integer("percentage", 0, 100));
  args.expect_end();
}
void ipcache_high(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.dns.ipcache_high = static_cast<int>(args.read_integer("percentage", 0, 100));
  args.expect_end();
}

// Squid refuses the file ("FATAL: append_domain must begin with a '.'").
void append_domain(DirectiveArgs& args, ParseContext& ctx) {
  auto domain = args.next("domain").text;
  args.expect_end();
  if (!domain.starts_with('.')) throw DirectiveError("append_domain must begin with a '.' (as squid)");
  ctx.config.dns.append_domain = std::move(domain);
}

void dns_defnames(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.dns.defnames = args.read_on_off();
  args.expect_end();
}

}  // namespace cuttle
