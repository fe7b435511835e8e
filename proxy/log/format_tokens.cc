#include "proxy/log/format_tokens.h"

#include <cctype>
#include <stdexcept>

namespace cuttle::logformat {

namespace {

// Squid 5.7's code names (src/format/Token.cc), longest first where one is the
// prefix of another, scanned in Squid's order: long names, then two-character
// ones, then one-character ones.
constexpr std::string_view kLongCodes[] = {
    ">eui", ">qos", "<qos", ">nfmark", "<nfmark", ">handshake", "err_code", "err_detail", "note", "credentials",
    "master_xaction", "ACL", "DATA", "DST", "EXT_LOG", "EXT_TAG", "EXT_USER", "IDENT", "LOGIN", "METHOD", "MYADDR",
    "MYPORT", "PATH", "PORT", "PROTO", "SRCEUI48", "SRCEUI64", "SRCPORT", "SRC", "TAG", "URI", "USER_CERTCHAIN",
    "USER_CERT"};
constexpr std::string_view kTwoCharCodes[] = {
    ">la", "la", ">lp", "lp", "<la", "oa", "<lp", "ts", "tu", "tl", "tg", "tS", "tr", "<pt", "<tt", "dt", ">ha",
    "un", "ul", "ui", "ue", "Hs", ">Hs", "<Hs", "<bs", "Ss", "Sh", "mt", ">rm", ">ru", ">rs", ">rd", ">rP", ">rp",
    ">rv", "rm", "ru", "rp", "rv", "rG", "<rm", "<ru", "<rs", "<rd", "<rP", "<rp", "<rv", ">st", ">sh", "<st",
    "<sH", "<sS", "<sh", "st", "et", "ea", "sn"};
constexpr std::string_view kOneCharCodes[] = {">a", ">p", ">A", "<a", "<p", "<A", ">h", "<h", ">v", "%"};

struct Namespace {
  std::string_view name;
  std::initializer_list<std::string_view> codes;
};
const Namespace kNamespaces[] = {
    {"adapt", {"all_trs", "sum_trs", "<last_h"}},
    {"icap", {"tt", "<last_h", "<A", "<service_name", "ru", "rm", ">st", "<st", "<bs", "<sh", "<Hs", "tio", "to",
              ">h", "<h"}},
    {"tls", {"bump_mode", ">cert_subject", ">cert_issuer", ">sni", "<cert_subject", "<cert_issuer", "<cert_errors",
             "<cert", ">negotiated_version", "<negotiated_version", ">negotiated_cipher", "<negotiated_cipher",
             ">received_hello_version", "<received_hello_version", ">received_supported_version",
             "<received_supported_version"}},
    {"proxy_protocol", {">h"}},
};

template <class Codes>
std::string_view scan(const Codes& codes, std::string_view text) {
  for (auto code : codes)
    if (text.starts_with(code)) return code;
  return {};
}

std::optional<size_t> read_number(std::string_view& text) {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits == 0) return std::nullopt;
  size_t value = 0;
  for (size_t i = 0; i < digits && value < 1000000; ++i) value = value * 10 + static_cast<size_t>(text[i] - '0');
  text.remove_prefix(digits);
  return value;
}

// "{…}" at the front of `text`: its contents (an unclosed brace runs to the end).
std::optional<std::string> read_arg(std::string_view& text) {
  if (text.empty() || text.front() != '{') return std::nullopt;
  const auto close = text.find('}');
  std::string arg(text.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1));
  text.remove_prefix(close == std::string_view::npos ? text.size() : close + 1);
  return arg;
}

Quoting read_encoding(std::string_view& text, Quoting default_quoting) {
  if (text.empty()) return default_quoting;
  const char c = text.front();
  const Quoting q = c == '"' ? Quoting::Quotes : c == '\'' ? Quoting::Raw : c == '[' ? Quoting::MimeBlob
                  : c == '#' ? Quoting::Url : c == '/' ? Quoting::Shell : default_quoting;
  if (c == '"' || c == '\'' || c == '[' || c == '#' || c == '/') text.remove_prefix(1);
  return q;
}

// The code itself, with its namespace when it has one.
void read_code(std::string_view& text, Token& token, std::string_view whole) {
  for (const auto& ns : kNamespaces) {
    const bool named = text.starts_with(ns.name) && text.substr(ns.name.size()).starts_with("::");
    const bool ssl_alias = ns.name == "tls" && text.starts_with("ssl::");
    if (!named && !ssl_alias) continue;
    auto rest = text.substr(named ? ns.name.size() + 2 : 5);
    if (auto code = scan(ns.codes, rest); !code.empty()) {
      token.space = named ? std::string(ns.name) : "ssl";
      token.code = std::string(code);
      text = rest.substr(code.size());
      return;
    }
  }
  if (text.starts_with("http::") && !text.substr(6).starts_with("%")) text.remove_prefix(6);
  std::string_view code = scan(kLongCodes, text);
  if (code.empty()) code = scan(kTwoCharCodes, text);
  if (code.empty()) code = scan(kOneCharCodes, text);
  if (code.empty()) throw std::invalid_argument("Unsupported %code: '" + std::string(whole) + "'");
  token.code = std::string(code);
  text.remove_prefix(code.size());
}

// The codes whose {argument} names a header field (or a note).
bool takes_header_argument(const Token& token) {
  if (token.space.empty()) return token.code == ">h" || token.code == "<h" || token.code == ">ha" || token.code == "note";
  if (token.space == "icap") return token.code == ">h" || token.code == "<h";
  return (token.space == "adapt" && token.code == "<last_h") || token.space == "proxy_protocol";
}

// What Squid's Token::parse refuses in a header code's argument.
void check_header_argument(const Token& token, std::string_view whole) {
  if (!token.arg || !takes_header_argument(token)) return;
  const auto argument = header_argument(*token.arg);
  if (argument.name.empty())
    throw std::invalid_argument("Can't parse configuration token: '" + std::string(whole) + "': missing header name");
  if (argument.name.front() == ':' && token.space != "proxy_protocol")
    throw std::invalid_argument("Pseudo headers are not supported in this context; got: '" + std::string(whole) + "'");
}

// One code from `text` (just past its '%'), as Squid's Token::parse reads it.
Token read_one_code(std::string_view& text, std::string_view whole, Quoting default_quoting) {
  Token token;
  token.quoting = read_encoding(text, default_quoting);
  if (text.starts_with('-')) token.left_aligned = true, text.remove_prefix(1);
  if (text.starts_with('0')) token.zero_padded = true, text.remove_prefix(1);
  token.width_min = read_number(text);
  if (text.starts_with('.')) {
    text.remove_prefix(1);
    token.width_max = read_number(text);
  }
  token.arg = read_arg(text);
  read_code(text, token, whole);
  if (!token.arg) token.arg = read_arg(text);
  check_header_argument(token, whole);
  return token;
}

Token blank() {
  Token token;
  token.literal = " ";
  return token;
}

}  // namespace

HeaderArgument header_argument(std::string_view arg) {
  HeaderArgument argument;
  // A leading ':' belongs to a pseudo-header's name.
  const auto colon = arg.find(':', arg.starts_with(':') ? 1 : 0);
  argument.name = std::string(arg.substr(0, colon));
  if (colon == std::string_view::npos) return argument;
  auto member = arg.substr(colon + 1);
  if (!member.empty() && (member.front() == ',' || member.front() == ';' || member.front() == ':')) {
    argument.separator = member.front();
    member.remove_prefix(1);
  }
  argument.member = std::string(member);
  return argument;
}

std::vector<Token> parse_one_code(std::string_view text, size_t& consumed) {
  const std::string_view whole = text;
  if (!text.starts_with('%')) throw std::invalid_argument("a code must start with %");
  text.remove_prefix(1);
  std::vector<Token> tokens{read_one_code(text, whole, Quoting::None)};
  if (text.starts_with(' ')) {
    tokens.push_back(blank());
    text.remove_prefix(1);
  }
  consumed = whole.size() - text.size();
  return tokens;
}

std::vector<Token> parse_format(std::string_view spec) {
  std::vector<Token> tokens;
  Quoting default_quoting = Quoting::None;
  std::string_view text = spec;
  while (!text.empty()) {
    Token token;
    const auto percent = text.find('%');
    if (percent != 0) {
      token.literal = std::string(text.substr(0, percent));
      for (char c : token.literal) {
        if (c == '"') default_quoting = default_quoting == Quoting::None ? Quoting::Quotes
                                      : default_quoting == Quoting::Quotes ? Quoting::None : default_quoting;
        if (c == '[' && default_quoting == Quoting::None) default_quoting = Quoting::MimeBlob;
        if (c == ']' && default_quoting == Quoting::MimeBlob) default_quoting = Quoting::None;
      }
      text.remove_prefix(token.literal.size());
      tokens.push_back(std::move(token));
      continue;
    }
    const std::string_view whole = text;
    text.remove_prefix(1);
    tokens.push_back(read_one_code(text, whole, default_quoting));
    if (text.starts_with(' ')) {
      // Squid keeps one blank after a code as part of it; as text it prints the same.
      tokens.push_back(blank());
      text.remove_prefix(1);
    }
  }
  return tokens;
}

}  // namespace cuttle::logformat
