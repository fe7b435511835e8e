#include "proxy/helpers/helper_reply.h"

#include "proxy/log/url_escape.h"

#include <cctype>

namespace cuttle::helpers {

namespace {

bool is_blank(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

void skip_blanks(std::string_view& text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
}

// Squid restricts key names to these, so a URL or a message with '=' in it is
// not mistaken for a key=value pair.
bool is_key_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; }

// "OK", "ERR", "BH" stand alone or before a blank; "TT", "AF", "NA" need the blank.
bool starts_with_code(std::string_view text, std::string_view code, bool blank_required) {
  if (!text.starts_with(code)) return false;
  return text.size() == code.size() ? !blank_required : text[code.size()] == ' ';
}

// Reads the result code, and for TT / AF the words that belong to it. Returns
// whether the line was NA (whose text is a message, not key=value pairs).
bool read_result_code(std::string_view& text, HelperReply& reply) {
  if (text.size() < 2) return false;
  bool na = false;
  if (starts_with_code(text, "OK", false)) {
    reply.result = HelperResult::Ok, text.remove_prefix(2);
  } else if (starts_with_code(text, "ERR", false)) {
    reply.result = HelperResult::Error, text.remove_prefix(3);
  } else if (starts_with_code(text, "BH", false)) {
    reply.result = HelperResult::BrokenHelper, text.remove_prefix(2);
  } else if (starts_with_code(text, "TT", true)) {
    text.remove_prefix(3);
    reply.result = HelperResult::TT;
    if (auto token = next_word(text))
      reply.notes.emplace_back("token", *token);
    else
      reply.result = HelperResult::BrokenHelper, reply.notes.emplace_back("message", "Missing 'token' data");
  } else if (starts_with_code(text, "AF", true)) {
    // NTLM "AF user", Negotiate "AF token user"
    text.remove_prefix(3);
    reply.result = HelperResult::Ok;
    auto first = next_word(text), second = next_word(text);
    if (second) {
      reply.notes.emplace_back("token", *first), reply.notes.emplace_back("user", *second);
    } else if (first) {
      reply.notes.emplace_back("user", *first);
    }
  } else if (starts_with_code(text, "NA", true)) {
    text.remove_prefix(3);
    reply.result = HelperResult::Error;
    na = true;
  }
  skip_blanks(text);
  return na;
}

// key=value pairs until something that is not one; values in quotes are taken as
// they are, others are %-decoded.
void read_notes(std::string_view& text, HelperReply& reply) {
  while (!text.empty()) {
    size_t key_end = 0;
    while (key_end < text.size() && is_key_char(text[key_end])) ++key_end;
    if (key_end >= text.size() || text[key_end] != '=') return;
    if (key_end + 1 < text.size() && is_blank(text[key_end + 1])) return;
    std::string key(text.substr(0, key_end));
    text.remove_prefix(key_end + 1);
    const bool quoted = !text.empty() && text.front() == '"';
    std::string value = next_word(text).value_or("");
    if (!quoted) value = squid_unescape(value);
    reply.notes.emplace_back(std::move(key), std::move(value));
    skip_blanks(text);
  }
}

}  // namespace

std::optional<std::string> HelperReply::note(std::string_view key) const {
  for (const auto& [k, v] : notes)
    if (k == key) return v;
  return std::nullopt;
}

std::optional<std::string> next_word(std::string_view& text) {
  skip_blanks(text);
  if (text.empty()) return std::nullopt;
  std::string word;
  bool quoted = false;
  size_t i = 0;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '"') {
      quoted = !quoted;
    } else if (c == '\\' && quoted) {
      if (++i == text.size()) break;
      c = text[i];
      word += c == 'n' ? '\n' : c == 'r' ? '\r' : c;
    } else if (!quoted && is_blank(c)) {
      ++i;
      break;
    } else {
      word += c;
    }
  }
  text.remove_prefix(i);
  return word;
}

HelperReply parse_helper_reply(std::string_view line) {
  HelperReply reply;
  // An empty line was the old URL rewriter's "no change".
  if (line.empty()) {
    reply.result = HelperResult::Error;
    return reply;
  }
  std::string_view text = line;
  const bool na = read_result_code(text, reply);
  skip_blanks(text);
  if (!na) read_notes(text, reply);
  // BH and NA used to carry a bare message.
  if (!text.empty() && (na || reply.result == HelperResult::BrokenHelper))
    reply.notes.emplace_back("message", std::string(text));
  else
    reply.other = std::string(text);
  return reply;
}

std::optional<ChannelReply> split_channel(std::string_view line) {
  size_t digits = 0;
  while (digits < line.size() && std::isdigit(static_cast<unsigned char>(line[digits]))) ++digits;
  if (digits == 0 || digits > 18) return std::nullopt;
  if (digits < line.size() && !is_blank(line[digits])) return std::nullopt;
  ChannelReply reply{std::stoull(std::string(line.substr(0, digits))), line.substr(digits)};
  skip_blanks(reply.rest);
  return reply;
}

}  // namespace cuttle::helpers
