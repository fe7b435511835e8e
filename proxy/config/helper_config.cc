#include "proxy/config/helper_config.h"

#include "proxy/config/directives.h"

#include <filesystem>
#include <limits>

namespace cuttle {

namespace {

unsigned read_count(std::string_view text, std::string_view option) {
  unsigned value = 0;
  for (char c : text) {
    if (c < '0' || c > '9' || value > std::numeric_limits<unsigned>::max() / 10 - 1)
      throw DirectiveError("children: " + std::string(option) + " needs a number, got '" + std::string(text) + "'");
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (text.empty()) throw DirectiveError("children: " + std::string(option) + " needs a number");
  return value;
}

void read_option(std::string_view token, HelperChildren& children, bool& queue_size_given,
                 ParseContext& ctx) {
  auto value_of = [&](std::string_view prefix) { return token.substr(prefix.size()); };
  if (token.starts_with("startup=")) {
    children.startup = read_count(value_of("startup="), "startup=");
  } else if (token.starts_with("idle=")) {
    children.idle = read_count(value_of("idle="), "idle=");
    if (children.idle == 0) {
      ctx.warn("children: idle=0 causes request failures; using idle=1 (as Squid does)");
      children.idle = 1;
    }
  } else if (token.starts_with("concurrency=")) {
    children.concurrency = read_count(value_of("concurrency="), "concurrency=");
  } else if (token.starts_with("queue-size=")) {
    children.queue_size = read_count(value_of("queue-size="), "queue-size=");
    queue_size_given = true;
  } else if (token.starts_with("on-persistent-overload=")) {
    auto action = value_of("on-persistent-overload=");
    if (action != "ERR" && action != "die")
      throw DirectiveError("children: unsupported on-persistent-overload action '" + std::string(action) + "'");
    children.die_on_persistent_overload = action == "die";
  } else if (token.starts_with("reservation-timeout=")) {
    // Used by the stateful helpers (NTLM, Negotiate) only, as in Squid.
    children.reservation_timeout = std::chrono::seconds(read_count(value_of("reservation-timeout="), "reservation-timeout="));
  } else {
    throw DirectiveError("children: undefined option '" + std::string(token) + "'");
  }
}

}  // namespace

HelperChildren default_helper_children(unsigned max) {
  HelperChildren children;
  children.max = max;
  children.queue_size = 2 * max;
  return children;
}

HelperChildren read_helper_children(DirectiveArgs& args, ParseContext& ctx) {
  HelperChildren children;
  children.max = read_count(args.next("the number of helper processes").text, "the process count");
  if (children.max < 1) throw DirectiveError("children: the maximum number of processes cannot be less than 1");
  bool queue_size_given = false;
  while (auto token = args.next_if_any()) read_option(token->text, children, queue_size_given, ctx);
  if (children.startup > children.max) {
    ctx.warn("children: capping startup=" + std::to_string(children.startup) + " to the maximum (" +
                       std::to_string(children.max) + ")");
    children.startup = children.max;
  }
  if (children.idle > children.max) {
    ctx.warn("children: capping idle=" + std::to_string(children.idle) + " to the maximum (" +
                       std::to_string(children.max) + ")");
    children.idle = children.max;
  }
  if (!queue_size_given) children.queue_size = 2 * children.max;
  children.queue_size_set = queue_size_given;
  return children;
}

void read_helper_program(DirectiveArgs& args, ParseContext& ctx, HelperProgram& program) {
  program.argv.clear();
  while (auto t = args.next_if_any()) program.argv.push_back(t->text);
  if (program.argv.empty()) throw DirectiveError(args.directive() + ": no program given");
  std::error_code ec;
  if (!std::filesystem::exists(program.argv[0], ec))
    throw DirectiveError(args.directive() + ": helper program " + program.argv[0] + ": No such file or directory");
  program.where = ctx.where;
}

}  // namespace cuttle
