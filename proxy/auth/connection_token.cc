#include "proxy/auth/connection_token.h"

#include <cctype>

namespace cuttle::auth {

namespace {

void skip_blanks(std::string_view& text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
}

}  // namespace

std::optional<std::string> connection_token(std::string_view value, std::string_view scheme) {
  if (!names_scheme(value, scheme)) return std::nullopt;
  skip_blanks(value);
  while (!value.empty() && !is_space(value.front())) value.remove_prefix(1);
  skip_blanks(value);
  return std::string(value);
}

}  // namespace cuttle::auth
