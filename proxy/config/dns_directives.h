// The DNS directives (squid 5.7's dns_*, hosts_file, *_dns_ttl, ipcache_*,
// append_domain), read into Config::dns.
#pragma once

#include "proxy/config/directives.h"

namespace cuttle {

void dns_nameservers(DirectiveArgs& args, ParseContext& ctx);
void hosts_file(DirectiveArgs& args, ParseContext& ctx);
void dns_timeout(DirectiveArgs& args, ParseContext& ctx);
void dns_retransmit_interval(DirectiveArgs& args, ParseContext& ctx);
void positive_dns_ttl(DirectiveArgs& args, ParseContext& ctx);
void negative_dns_ttl(DirectiveArgs& args, ParseContext& ctx);
void ipcache_size(DirectiveArgs& args, ParseContext& ctx);
void ipcache_low(DirectiveArgs& args, ParseContext& ctx);
void ipcache_high(DirectiveArgs& args, ParseContext& ctx);
void append_domain(DirectiveArgs& args, ParseContext& ctx);
void dns_defnames(DirectiveArgs& args, ParseContext& ctx);

}  // namespace cuttle
