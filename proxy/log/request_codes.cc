#include "proxy/log/request_codes.h"

#include "proxy/log/list_member.h"

#include <stdexcept>

namespace cuttle::logformat {

namespace {

enum class Field { ClientIp, ClientPort, LocalIp, LocalPort, User, Method, Url, Scheme, Host, Port, Path, Header };

struct CodeName {
  std::string_view code;
  Field field;
};

// Squid's names for each (src/format/Token.cc), the external ACL aliases included.
// %>A is the client's address: cuttle does no reverse lookups (Squid's value when
// the name is not already cached).
constexpr CodeName kCodes[] = {
    {">a", Field::ClientIp},   {"SRC", Field::ClientIp},     {">A", Field::ClientIp},   {">p", Field::ClientPort},
    {"SRCPORT", Field::ClientPort}, {"la", Field::LocalIp},  {"MYADDR", Field::LocalIp}, {"lp", Field::LocalPort},
    {"MYPORT", Field::LocalPort}, {"un", Field::User},       {"ul", Field::User},       {"LOGIN", Field::User},
    {">rm", Field::Method},    {"rm", Field::Method},        {"METHOD", Field::Method}, {">ru", Field::Url},
    {"ru", Field::Url},        {"URI", Field::Url},          {">rs", Field::Scheme},    {"PROTO", Field::Scheme},
    {">rd", Field::Host},      {"DST", Field::Host},         {">rP", Field::Port},      {"PORT", Field::Port},
    {">rp", Field::Path},      {"PATH", Field::Path},        {">h", Field::Header},
};

std::optional<Field> field_of(const Token& token) {
  if (!token.space.empty()) return std::nullopt;
  for (const auto& c : kCodes)
    if (c.code == token.code) {
      // A header code needs its name: %>h alone (every header) is not filled in.
      if (c.field == Field::Header && !token.arg) return std::nullopt;
      return c.field;
    }
  return std::nullopt;
}

std::optional<std::string> number(uint16_t n) { return n ? std::optional(std::to_string(n)) : std::nullopt; }
std::optional<std::string> text(const std::string& s) { return s.empty() ? std::nullopt : std::optional(s); }

}  // namespace

bool is_request_code(const Token& token) { return token.is_literal() || token.code == "%" || field_of(token); }

Value request_code_value(const Token& token, const RequestFormatFacts& f) {
  const auto field = field_of(token);
  if (!field) return {};
  switch (*field) {
    case Field::ClientIp: return {text(f.client_ip)};
    case Field::ClientPort: return {number(f.client_port)};
    case Field::LocalIp: return {text(f.local_ip)};
    case Field::LocalPort: return {number(f.local_port)};
    case Field::User: return {text(f.user)};
    case Field::Method: return {text(f.method), true};
    case Field::Url: return {text(f.url), true};
    case Field::Scheme: return {text(f.scheme), true};
    case Field::Host: return {text(f.host), true};
    case Field::Port: return {number(f.port)};
    case Field::Path: return {text(f.path), true};
    case Field::Header: {
      // %>h{Name}, or one member of its list: %>h{Name:member} (Squid's getByNameListMember).
      const auto argument = header_argument(*token.arg);
      auto value = f.header ? f.header(argument.name) : std::nullopt;
      if (argument.member) value = list_member(value.value_or(""), *argument.member, argument.separator);
      return {std::move(value), true};
    }
  }
  return {};
}

ConnectionAddressUse connection_addresses_used(const std::vector<Token>& tokens) {
  ConnectionAddressUse use;
  for (const auto& t : tokens) {
    const auto field = field_of(t);
    use.client_port = use.client_port || field == Field::ClientPort;
    use.local_ip = use.local_ip || field == Field::LocalIp;
  }
  return use;
}

void require_request_codes(const std::vector<Token>& tokens) {
  for (const auto& t : tokens)
    if (!is_request_code(t))
      throw std::invalid_argument("the format code %" + (t.space.empty() ? "" : t.space + "::") + t.code +
                                  " is not one cuttle fills in yet");
}

}  // namespace cuttle::logformat
