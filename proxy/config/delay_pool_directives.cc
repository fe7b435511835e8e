#include "proxy/config/delay_pool_directives.h"

#include <cerrno>
#include <cstdlib>
#include <string>

namespace cuttle {

std::vector<DelayLevel> delay_levels(int pool_class) {
  using L = DelayLevel;
  switch (pool_class) {
    case 1: return {L::Aggregate};
    case 2: return {L::Aggregate, L::Individual};
    case 3: return {L::Aggregate, L::Network, L::Individual};
    case 4: return {L::Aggregate, L::Network, L::Individual, L::User};
    case 5: return {L::Tag};
    default: return {};
  }
}

DelayRate parse_delay_rate(std::string_view word) {
  if (word == "none" || word.starts_with('-')) return {};
  const std::string text(word);
  // strtol/strtoll as squid's StringToInt: digits up to '/', then digits (what
  // follows the maximum is not looked at).
  char* slash = nullptr;
  const long restore = std::strtol(text.c_str(), &slash, 10);
  if (slash == text.c_str() || *slash != '/')
    throw DirectiveError("invalid delay rate '" + text + "'. Expecting restore/max or 'none'.");
  const char* max_text = slash + 1;
  char* end = nullptr;
  const long long max = std::strtoll(max_text, &end, 10);
  if (end == max_text) throw DirectiveError("the maximum in delay rate '" + text + "' is not a number.");
  return {static_cast<int>(restore), static_cast<int64_t>(max)};
}

namespace {

unsigned read_ushort(DirectiveArgs& args, std::string_view what) {
  return static_cast<unsigned>(args.read_integer(what, 0, 65535));
}

// The pool a line names, or nullptr (with squid's warning) when it is not one of
// the `count` configured; `message` names squid's parse function.
template <class Pool>
Pool* numbered_pool(std::vector<Pool>& pools, unsigned number, std::string_view message, ParseContext& ctx) {
  if (number < 1 || number > pools.size()) {
    ctx.warn(std::string(message) + ": Ignoring pool " + std::to_string(number) + " not in 1 .. " +
             std::to_string(pools.size()));
    return nullptr;
  }
  return &pools[number - 1];
}

void ignore_rest(DirectiveArgs& args, ParseContext& ctx) {
  if (args.empty()) return;
  const auto rest = args.rest_of_line();
  ctx.warn(args.directive() + ": '" + rest + "' at the end of the line is ignored (as squid)");
}

}  // namespace

void delay_pools(DirectiveArgs& args, ParseContext& ctx) {
  // As squid's DelayPools::pools(n): a new count drops every pool configured before.
  ctx.config.delay.pools.assign(read_ushort(args, "number of pools"), DelayPoolConfig{});
  ignore_rest(args, ctx);
}

void delay_class(DirectiveArgs& args, ParseContext& ctx) {
  const auto number = read_ushort(args, "pool");
  auto* pool = numbered_pool(ctx.config.delay.pools, number, "parse_delay_pool_class", ctx);
  if (!pool) return;
  const auto pool_class = read_ushort(args, "class");
  if (pool_class < 1 || pool_class > 5) {
    ctx.warn("parse_delay_pool_class: Ignoring pool " + std::to_string(number) + " class " +
             std::to_string(pool_class) + " not in 1 .. 5");
    return;
  }
  ignore_rest(args, ctx);
  // A class line makes the pool anew (squid's createPool): its rates start unlimited.
  pool->pool_class = static_cast<int>(pool_class);
  pool->rates.assign(delay_levels(pool->pool_class).size(), DelayRate{});
}

void delay_parameters(DirectiveArgs& args, ParseContext& ctx) {
  const auto number = read_ushort(args, "pool");
  auto* pool = numbered_pool(ctx.config.delay.pools, number, "parse_delay_pool_rates", ctx);
  if (!pool) return;
  if (pool->pool_class == 0) {
    ctx.warn("parse_delay_pool_rates: Ignoring pool " + std::to_string(number) +
             " attempt to set rates with class not set");
    return;
  }
  const auto count = pool->rates.size();
  for (size_t i = 0; i < count; ++i) {
    if (args.empty())
      throw DirectiveError("delay_parameters: a class " + std::to_string(pool->pool_class) + " pool needs " +
                           std::to_string(count) + " rates (restore/max or none), got " + std::to_string(i));
    try {
      pool->rates[i] = parse_delay_rate(args.next("rate").text);
    } catch (const DirectiveError& e) {
      throw DirectiveError("delay_parameters: " + std::string(e.what()));
    }
  }
  ignore_rest(args, ctx);
}

void delay_access(DirectiveArgs& args, ParseContext& ctx) {
  const auto number = read_ushort(args, "pool");
  // squid 5.7 names its rates parser in this message too.
  if (auto* pool = numbered_pool(ctx.config.delay.pools, number, "parse_delay_pool_rates", ctx))
    access_rule(args, ctx, pool->access);
}

void delay_initial_bucket_level(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.delay.initial_percent = read_ushort(args, "percent");
  ignore_rest(args, ctx);
}

void client_delay_pools(DirectiveArgs& args, ParseContext& ctx) {
  auto& pools = ctx.config.delay.client_pools;
  if (!pools.empty())
    ctx.warn("parse_client_delay_pool_count: multiple client_delay_pools lines, "
             "aborting all previous client_delay_pools config");
  pools.assign(read_ushort(args, "number of pools"), ClientDelayPoolConfig{});
  ignore_rest(args, ctx);
}

void client_delay_parameters(DirectiveArgs& args, ParseContext& ctx) {
  const auto number = read_ushort(args, "pool");
  auto* pool = numbered_pool(ctx.config.delay.client_pools, number, "parse_client_delay_pool_rates", ctx);
  if (!pool) return;
  pool->rate = static_cast<int>(args.read_integer("speed_limit (bytes per second)", INT32_MIN, INT32_MAX));
  pool->max = args.read_integer("max_bucket_size (bytes)", INT64_MIN, INT64_MAX);
  ignore_rest(args, ctx);
}

void client_delay_access(DirectiveArgs& args, ParseContext& ctx) {
  const auto number = read_ushort(args, "pool");
  if (auto* pool = numbered_pool(ctx.config.delay.client_pools, number, "parse_client_delay_pool_rates", ctx))
    access_rule(args, ctx, pool->access);
}

void client_delay_initial_bucket_level(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.delay.client_initial_percent = read_ushort(args, "percent");
  ignore_rest(args, ctx);
}

}  // namespace cuttle
