#include "proxy/config/external_acl_type.h"

#include "proxy/config/directives.h"
#include "proxy/log/request_codes.h"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

namespace cuttle {

namespace {

constexpr unsigned kDefaultExternalAclChildren = 5;  // Squid's DEFAULT_EXTERNAL_ACL_CHILDREN

// Squid reads these numbers with atoi(): leading digits, anything else is 0.
long number_after(std::string_view option, std::string_view prefix) {
  return std::atol(std::string(option.substr(prefix.size())).c_str());
}
unsigned count_after(std::string_view option, std::string_view prefix) {
  return static_cast<unsigned>(std::clamp<long>(number_after(option, prefix), 0, 1000000));
}

// One `name=value` (or bare) option before the format; false when `word` is not one.
bool read_option(std::string_view word, ExternalAclType& type, bool& queue_size_given, ParseContext& ctx) {
  auto& children = type.program.children;
  auto has = [&](std::string_view prefix) { return word.starts_with(prefix); };
  if (has("ttl=")) type.ttl = std::chrono::seconds(number_after(word, "ttl="));
  else if (has("negative_ttl=")) type.negative_ttl = std::chrono::seconds(number_after(word, "negative_ttl="));
  else if (has("children=")) {
    ctx.warn("external_acl_type option children=N has been deprecated in favor of children-max=N and children-startup=N");
    children.max = count_after(word, "children=");
  } else if (has("children-max=")) children.max = count_after(word, "children-max=");
  else if (has("children-startup=")) children.startup = count_after(word, "children-startup=");
  else if (has("children-idle=")) children.idle = count_after(word, "children-idle=");
  else if (has("concurrency=")) children.concurrency = count_after(word, "concurrency=");
  else if (has("queue-size=")) children.queue_size = count_after(word, "queue-size="), queue_size_given = true;
  else if (has("cache=")) type.cache_size = count_after(word, "cache=");
  else if (has("grace=")) type.grace = std::min(count_after(word, "grace="), 100u);
  else if (word == "protocol=2.5" || word == "quote=shell") type.shell_quoting = true;
  else if (word == "protocol=3.0" || word == "quote=url") type.shell_quoting = false;
  else if (word != "ipv4" && word != "ipv6") return false;  // the helper's address family: cuttle uses pipes
  return true;
}

// Squid 3's spellings of the header codes, as Squid 5.7 still reads them.
std::string modern_spelling(const std::string& word) {
  if (word.starts_with("%>{")) return "%>ha" + word.substr(2);
  if (word.starts_with("%<{")) return "%<h" + word.substr(2);
  return word;
}

logformat::Token read_code(const std::string& word, const ExternalAclType& type) {
  std::vector<logformat::Token> tokens;
  try {
    tokens = logformat::parse_format(modern_spelling(word));
  } catch (const std::invalid_argument& e) {
    throw DirectiveError("external_acl_type " + type.name + ": " + e.what());
  }
  if (tokens.size() != 1 || tokens.front().is_literal())
    throw DirectiveError("external_acl_type " + type.name + ": '" + word + "' is not one format code");
  auto token = tokens.front();
  if (!is_external_acl_code(token))
    throw DirectiveError("external_acl_type " + type.name + ": the format code %" + token.code +
                         " is not one cuttle fills in yet");
  // Squid 5.7 means protocol= to set the codes' quoting, but its token parser
  // resets it: codes are written as in logformat (request-derived values with
  // unsafe characters %-encoded, '%' kept), and only %DATA follows protocol=.
  return token;
}

bool is_data(const logformat::Token& t) { return t.space.empty() && t.code == "DATA"; }

// The format words, each followed by a blank (Squid's `space` tokens), then %DATA
// when the format did not place it.
void read_format(DirectiveArgs& args, ExternalAclType& type, std::optional<ConfigToken>& word) {
  bool data_used = false;
  for (; word && word->text.starts_with('%'); word = args.next_if_any()) {
    auto token = read_code(word->text, type);
    data_used = data_used || is_data(token);
    type.requires_login = type.requires_login || (token.space.empty() && (token.code == "LOGIN" || token.code == "ul"));
    type.format.push_back(std::move(token));
    logformat::Token blank;
    blank.literal = " ";
    type.format.push_back(std::move(blank));
  }
  if (type.format.empty()) throw DirectiveError("external_acl_type " + type.name + ": no format (%codes) given");
  if (!data_used) {
    logformat::Token data;
    data.code = "DATA";
    data.quoting = logformat::Quoting::Raw;  // each argument was quoted on its own (protocol=)
    type.format.push_back(std::move(data));
  }
}

void read_program(DirectiveArgs& args, ExternalAclType& type, std::optional<ConfigToken>& word, ParseContext& ctx) {
  if (!word) throw DirectiveError("external_acl_type " + type.name + ": no helper program given");
  std::vector<ConfigToken> rest{*word};
  while (auto t = args.next_if_any()) rest.push_back(*t);
  DirectiveArgs program_args(args.directive(), std::move(rest));
  read_helper_program(program_args, ctx, type.program);
}

// Squid's sanity rules for children (parse_externalAclHelper).
void settle_children(HelperChildren& children, bool queue_size_given) {
  children.startup = std::min(children.startup, children.max);
  children.idle = std::clamp(children.idle, 1u, std::max(children.max, 1u));
  if (!queue_size_given) children.queue_size = 2 * children.max;
  children.queue_size_set = queue_size_given;
}

}  // namespace

void external_acl_type(DirectiveArgs& args, ParseContext& ctx) {
  auto type = std::make_shared<ExternalAclType>();
  type->name = args.next("external ACL type name").text;
  type->program.children = default_helper_children(kDefaultExternalAclChildren);
  bool negative_ttl_given = false, queue_size_given = false;
  auto word = args.next_if_any();
  for (; word && read_option(word->text, *type, queue_size_given, ctx); word = args.next_if_any())
    negative_ttl_given = negative_ttl_given || word->text.starts_with("negative_ttl=");
  if (!negative_ttl_given) type->negative_ttl = type->ttl;
  if (type->program.children.max == 0) throw DirectiveError("external_acl_type " + type->name + ": children-max must be at least 1");
  settle_children(type->program.children, queue_size_given);
  read_format(args, *type, word);
  read_program(args, *type, word, ctx);
  if (ctx.config.acls.external_type(type->name))
    throw DirectiveError("external_acl_type " + type->name + ": already defined");
  ctx.config.acls.add_external_type(std::move(type));
}

bool is_external_acl_code(const logformat::Token& t) {
  if (!t.space.empty()) return false;
  static constexpr std::string_view kOwn[] = {"ACL", "DATA", "EXT_USER", "ue", "EXT_TAG", "TAG", "et", "EXT_LOG", "ea"};
  if (std::find(std::begin(kOwn), std::end(kOwn), t.code) != std::end(kOwn)) return true;
  // A header of the request (as adapted: cuttle adapts none) or of the reply, by name.
  if ((t.code == ">ha" || t.code == "<h") && t.arg && t.arg->find(':', 1) == std::string::npos) return true;
  return logformat::is_request_code(t);
}

}  // namespace cuttle
