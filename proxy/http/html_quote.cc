#include "proxy/http/html_quote.h"

#include <cstdio>

namespace cuttle {

std::string html_quote(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '&': out += "&amp;"; break;
      case '\'': out += "&#39;"; break;
      case '\n': case '\r': case '\t': out += static_cast<char>(c); break;
      default:
        if (c < 0x20 || c >= 0x7F) {
          char entity[8];
          std::snprintf(entity, sizeof entity, "&#%3d;", c);  // Squid pads to three places: "&#  1;"
          out += entity;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

}  // namespace cuttle
