#include "proxy/log/format_expand.h"

#include "proxy/log/access_log_line.h"
#include "proxy/log/url_escape.h"

namespace cuttle::logformat {

namespace {

// %" : quote and backslash \-escaped, CR, LF and TAB as \r, \n and \t.
std::string backslash_escaped(std::string_view text) {
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

std::string encoded(const Token& token, const Value& value) {
  const std::string& text = *value.text;
  switch (token.quoting) {
    case Quoting::None: return value.url_encoded_by_default ? squid_escape(text, /*keep_percent=*/true) : text;
    case Quoting::Quotes: return backslash_escaped(text);
    case Quoting::MimeBlob: {
      std::string out;
      append_mime_quoted(out, text);
      return out;
    }
    case Quoting::Url: return squid_escape(text);
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
