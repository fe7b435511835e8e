#include "proxy/log/format_expand.h"

#include "proxy/log/access_log_line.h"

#include <cstdio>

namespace cuttle::logformat {

namespace {

bool is_rfc1738_unsafe(unsigned char c) {
  static constexpr std::string_view kUnsafe = "<>\"#{}|\\^~[]`'";
  return c <= 0x20 || c >= 0x7f || kUnsafe.find(static_cast<char>(c)) != std::string_view::npos;
}

std::string percent_encode(std::string_view text, bool encode_percent) {
  std::string out;
  for (unsigned char c : text) {
    if (is_rfc1738_unsafe(c) || (encode_percent && c == '%')) {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// %" : quote and backslash escaped, CR LF TAB as two-character sequences.
std::string quoted(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\', out += c;
    else if (c == '\r') out += "\\r";
    else if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else out += c;
  }
  return out;
}

// %/ : as %" without TAB, and the whole in quotes when it holds a blank.
std::string shell_quoted(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\', out += c;
    else if (c == '\r') out += "\\r";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return text.find(' ') == std::string_view::npos ? out : "\"" + out + "\"";
}

std::string encoded(const Token& token, const Value& value) {
  const std::string& text = *value.text;
  switch (token.quoting) {
    case Quoting::None: return value.url_encoded_by_default ? percent_encode(text, false) : text;
    case Quoting::Quotes: return quoted(text);
    case Quoting::MimeBlob: {
      std::string out;
      append_mime_quoted(out, text);
      return out;
    }
    case Quoting::Url: return percent_encode(text, true);
    case Quoting::Shell: return shell_quoted(text);
    case Quoting::Raw: return text;
  }
  return text;
}

void append_fitted(std::string& out, std::string text, const Token& token) {
  if (token.width_max && text.size() > *token.width_max) text.resize(*token.width_max);
  const size_t width = token.width_min.value_or(0);
  const size_t pad = text.size() < width ? width - text.size() : 0;
  if (token.left_aligned) {
    out += text;
    out.append(pad, ' ');
  } else {
    out.append(pad, token.zero_padded ? '0' : ' ');
    out += text;
  }
}

}  // namespace

std::string expand(const std::vector<Token>& tokens, const Lookup& lookup) {
  std::string out;
  for (const auto& token : tokens) {
    if (token.is_literal()) {
      out += token.literal;
      continue;
    }
    if (token.code == "%" && token.space.empty()) {
      out += '%';
      continue;
    }
    const Value value = lookup(token);
    if (!value.text || value.text->empty()) {
      out += '-';
      continue;
    }
    append_fitted(out, encoded(token, value), token);
  }
  return out;
}

}  // namespace cuttle::logformat
