#include "proxy/server/steps/external_lookup.h"

#include "proxy/server/steps/helper_line.h"

namespace cuttle {

namespace {

std::optional<std::string> unless_empty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional(s);
}

// A request header as Squid's getByName gives it (fields joined where Squid does).
std::optional<std::string> request_header(const Transaction& tx, const std::string& name) {
  HeaderFacts fields;
  const auto& request = tx.parser->get();
  auto [first, last] = request.equal_range(name);
  for (auto field = first; field != last; ++field) fields.add(name, field->value());
  return fields.squid_value(name);
}

// The values of the codes only an external ACL format has (and of %>ha, %<h and
// %LOGIN, which depend on the check); nullopt for the request codes.
std::optional<logformat::Value> own_code_value(const logformat::Token& t, const Transaction& tx,
                                               const RequestFacts& facts, const Acl& acl, const ExternalAcl& data) {
  const auto& c = t.code;
  if (c == "ACL") return logformat::Value{acl.name()};
  if (c == "DATA") return logformat::Value{unless_empty(data.data())};
  if (c == "EXT_USER" || c == "ue") return logformat::Value{unless_empty(facts.external.user)};
  // As Squid, the tag, log text and headers are %-encoded like request values.
  if (c == "EXT_TAG" || c == "TAG" || c == "et") return logformat::Value{unless_empty(facts.external.tag), true};
  if (c == "EXT_LOG" || c == "ea") return logformat::Value{unless_empty(facts.external.log), true};
  // The login of the credentials sent (Squid's auth_user_request), checked or not.
  if (c == "LOGIN" || c == "ul")
    return logformat::Value{facts.auth.status == AuthStatus::None ? std::nullopt : unless_empty(facts.auth.user)};
  if (c == ">ha") return logformat::Value{request_header(tx, *t.arg), true};
  if (c == "<h") return logformat::Value{facts.reply ? facts.reply->headers.squid_value(*t.arg) : std::nullopt, true};
  return std::nullopt;
}

}  // namespace

std::string external_acl_key(ClientConnection& conn, const Transaction& tx, const RequestFacts& facts,
                             const Acl& acl) {
  const auto& data = static_cast<const ExternalAcl&>(acl.data());
  const auto& format = data.type().format;
  const auto request = request_format_facts(conn, tx, format);
  return logformat::expand(format, [&](const logformat::Token& t) {
    if (t.space.empty())
      if (auto own = own_code_value(t, tx, facts, acl, data)) return *own;
    return logformat::request_code_value(t, request);
  });
}

awaitable<void> look_up_external(ClientConnection& conn, Transaction& tx, RequestFacts& facts, const Acl& acl) {
  const auto& data = static_cast<const ExternalAcl&>(acl.data());
  WorkerHelpers& helpers = conn.services.helpers;
  helpers.use(conn.runtime().active()->config);
  std::shared_ptr<const ExternalAnswer> answer;
  // The configuration in force may have dropped this request's (older) type.
  if (ExternalAclHelper* helper = helpers.external_acl(data.type()))
    answer = co_await helper->answer(external_acl_key(conn, tx, facts, acl));
  else
    answer = std::make_shared<ExternalAnswer>();
  facts.external.take(&data, answer);
  annotate(facts.annotations, answer->notes);
  if (!answer->user.empty() && tx.entry.user == "-") tx.entry.user = answer->user;
  if (!answer->user.empty()) tx.entry.external_user = answer->user;  // %ue: the latest, as Squid's extacl_user
}

}  // namespace cuttle
