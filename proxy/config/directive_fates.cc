#include "proxy/config/directive_fates.h"

#include <algorithm>
#include <sstream>
#include <utility>

namespace cuttle {
namespace {

// Squid 5.7's other names for directives (cf.data.pre NAME: lines), which it
// reads as the first name without a word.
constexpr std::pair<std::string_view, std::string_view> kFateAliases[] = {
    {"cache_host_domain", "cache_peer_domain"},
    {"cache_swap_log", "cache_swap_state"},
    {"clientside_mark", "mark_client_packet"},
    {"collapsed_forwarding_shared_entries_limit", "shared_transient_entries_limit"},
    {"http_access2", "adapted_http_access"},
    {"icap_send_client_ip", "adaptation_send_client_ip"},
    {"icap_send_client_username", "adaptation_send_username"},
    {"icap_uses_indirect_client", "adaptation_uses_indirect_client"},
    {"incoming_http_average", "incoming_tcp_average"},
    {"incoming_icp_average", "incoming_udp_average"},
    {"location_rewrite_access", "location_rewrite_program"},
    {"location_rewrite_children", "location_rewrite_program"},
    {"location_rewrite_concurrency", "location_rewrite_program"},
    {"min_http_poll_cnt", "min_tcp_poll_cnt"},
    {"min_icp_poll_cnt", "min_udp_poll_cnt"},
    {"referrer_log", "referer_log"},
    {"tcp_outgoing_ds", "tcp_outgoing_tos"},
    {"tcp_outgoing_dscp", "tcp_outgoing_tos"},
    {"zph_mode", "zph_local"},
    {"zph_option", "zph_local"},
    {"zph_parent", "zph_local"},
    {"zph_sibling", "zph_local"},
};

std::vector<std::string> words_of(std::string_view text) {
  std::istringstream in{std::string(text)};
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

// A time or size written as `off` is ("4 minutes", "16 KB"), read from `value`
// in the same kind; squid reads a bare number as seconds or bytes.
bool same_quantity(std::string_view off, std::string_view value) {
  const auto off_words = words_of(off);
  if (off_words.size() != 2) return false;
  std::vector<ConfigToken> tokens;
  for (auto& w : words_of(value)) tokens.push_back({std::move(w)});
  DirectiveArgs args("value", std::move(tokens));
  try {
    if (is_time_unit(off_words[1]))
      return parse_duration(off_words[0], off_words[1]) == args.read_duration("seconds") && args.empty();
    if (is_byte_unit(off_words[1]))
      return parse_bytes(off_words[0], off_words[1]) == args.read_bytes("bytes") && args.empty();
  } catch (const DirectiveError&) {
  }
  return false;
}

std::string in_quotes(std::string_view name) { return "'" + std::string(name) + "'"; }

std::string first_off_value(std::string_view off) { return std::string(off.substr(0, off.find('|'))); }

// "; 'check_hostnames off' is accepted" for a directive some value turns off.
std::string accepted_hint(const DirectiveFate& fate, const std::string& name) {
  if (fate.off.empty()) return "";
  return "; " + in_quotes(name + " " + first_off_value(fate.off)) + " is accepted";
}

void warn_not_implemented(std::string_view why, const std::string& name, ParseContext& ctx) {
  ctx.warn(in_quotes(name) + " is a Squid directive that cuttle does not implement; ignored (squid: " + std::string(why) +
           ")");
}

[[noreturn]] void refuse_protective(const DirectiveFate& fate, const std::string& name) {
  throw DirectiveError(in_quotes(name) + " " + std::string(fate.why) +
                       "; cuttle does not implement it yet and will not run without it (see docs/configuration.md)" +
                       accepted_hint(fate, name));
}

void absent_feature(const DirectiveFate& fate, const std::string& name, ParseContext& ctx) {
  const std::string feature(fate.feature);
  if (fate.enables)
    throw DirectiveError(in_quotes(name) + ": cuttle has no " + feature + " (" + std::string(fate.why) + ")" +
                         accepted_hint(fate, name));
  ctx.warn(in_quotes(name) + " has no effect in cuttle: " + feature + " is not enabled (cuttle has no " + feature + ")");
}

// Squid's cf_gen message, then its DOC line, as squid 5.7 prints them.
void squid_obsolete_message(const DirectiveFate& fate, const std::string& name, ParseContext& ctx) {
  ctx.warn("ERROR: Directive " + in_quotes(name) + " is obsolete.");
  if (!fate.why.empty()) ctx.warn(name + " : " + std::string(fate.why));
}

// parse_obsolete("ignore_ims_on_miss"): its on/off, inverted, is the target's.
RewrittenLine inverted_on_off(const DirectiveFate& fate, DirectiveArgs& args) {
  const bool on = args.read_on_off();
  args.expect_end();
  return {std::string(fate.target), {{on ? "off" : "on"}}};
}

// parse_obsolete("sslproxy_cafile"): the rest of the line is the option's value.
RewrittenLine tls_outgoing_option(const DirectiveFate& fate, DirectiveArgs& args) {
  const auto value = args.rest_of_line();
  if (value.empty()) throw DirectiveError(args.directive() + ": missing value");
  return {"tls_outgoing_options", {{std::string(fate.target) + value}}};
}

std::optional<RewrittenLine> apply_obsolete(const DirectiveFate& fate, DirectiveArgs& args, ParseContext& ctx) {
  const auto& name = args.directive();
  squid_obsolete_message(fate, name, ctx);
  if (!fate.refusal.empty())
    throw DirectiveError(in_quotes(name) + " is obsolete (squid 5.7: " + std::string(fate.why) + "), and " +
                         std::string(fate.refusal));
  switch (fate.rewrite) {
    case ObsoleteRewrite::None:
      while (args.next_if_any()) {
      }
      return std::nullopt;
    case ObsoleteRewrite::InvertedOnOff:
      return inverted_on_off(fate, args);
    case ObsoleteRewrite::TlsOutgoingOption:
      return tls_outgoing_option(fate, args);
  }
  return std::nullopt;
}

}  // namespace

const DirectiveFate* find_directive_fate(std::string_view name) {
  for (const auto& [alias, primary] : kFateAliases)
    if (alias == name) name = primary;
  const auto fates = directive_fates();
  const auto it = std::lower_bound(fates.begin(), fates.end(), name,
                                   [](const DirectiveFate& f, std::string_view n) { return f.name < n; });
  return it != fates.end() && it->name == name ? &*it : nullptr;
}

bool is_off_value(std::string_view off, std::string_view value) {
  const auto written = words_of(value);
  while (!off.empty()) {
    const auto bar = off.find('|');
    const auto one = off.substr(0, bar);
    if (words_of(one) == written || same_quantity(one, value)) return true;
    off = bar == std::string_view::npos ? std::string_view{} : off.substr(bar + 1);
  }
  return false;
}

std::optional<RewrittenLine> apply_directive_fate(const DirectiveFate& fate, DirectiveArgs& args, ParseContext& ctx) {
  if (fate.fate == Fate::Obsolete) return apply_obsolete(fate, args, ctx);
  const auto& name = args.directive();
  const auto value = args.rest_of_line();
  if (is_off_value(fate.off, value)) return std::nullopt;
  switch (fate.fate) {
    case Fate::NoEffect:
      ctx.warn(in_quotes(name) + " has no effect in cuttle: " + std::string(fate.why));
      break;
    case Fate::Protective:
      if (!is_off_value(fate.loose, value)) refuse_protective(fate, name);
      warn_not_implemented(fate.why, name, ctx);
      break;
    case Fate::AbsentFeature:
      absent_feature(fate, name, ctx);
      break;
    case Fate::Behaviour:
      warn_not_implemented(fate.why, name, ctx);
      break;
    case Fate::Obsolete:
      break;
  }
  return std::nullopt;
}

}  // namespace cuttle
