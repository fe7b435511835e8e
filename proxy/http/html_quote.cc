#include "proxy/http/html_quote.h"

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
      default:
        if (c < 0x20 || c >= 0x7F) out += "&#" + std::to_string(c) + ";";
        else out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace cuttle
