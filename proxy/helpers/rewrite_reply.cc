#include "proxy/helpers/rewrite_reply.h"

#include <charconv>

namespace cuttle::helpers {

namespace {

bool is_redirect_status(unsigned status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

RewriteDecision keep(std::string problem = {}) { return {RewriteDecision::Kind::Keep, 0, {}, std::move(problem)}; }

RewriteDecision redirect(unsigned status, std::string url) {
  if (!is_redirect_status(status))
    return keep("URL-rewrite produces invalid " + std::to_string(status) + " redirect Location: " + url);
  return {RewriteDecision::Kind::Redirect, status, std::move(url), {}};
}

// An old helper's reply (no result code): "!group!rest" (an obsolete URL group),
// "30x:URL" (a redirect), or the new URL itself. Only its first word counts: Squid
// 5.7 took the whole line (a bug fixed later upstream) after warning of "garbage".
RewriteDecision legacy(std::string_view text) {
  if (text.starts_with('!')) {
    const auto end = text.find('!', 1);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
  }
  text = text.substr(0, text.find_first_of(" \t"));
  if (text.empty()) return keep();
  unsigned status = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), status);
  if (ec == std::errc() && end != text.data()) {
    if (end < text.data() + text.size() && *end == ':' && is_redirect_status(status))
      return redirect(status, std::string(end + 1, text.data() + text.size()));
    if (end == text.data() + text.size()) return keep("URL-rewrite produces invalid " + std::string(text) + " redirect");
  }
  return {RewriteDecision::Kind::Rewrite, 0, std::string(text), {}};
}

}  // namespace

RewriteDecision decide_rewrite(const HelperReply& reply) {
  switch (reply.result) {
    case HelperResult::Ok: {
      if (auto url = reply.note("url")) {
        unsigned status = 302;
        if (auto s = reply.note("status")) {
          auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), status);
          if (ec != std::errc() || end != s->data() + s->size()) status = 0;
        }
        return redirect(status, *url);
      }
      if (auto url = reply.note("rewrite-url")) return {RewriteDecision::Kind::Rewrite, 0, *url, {}};
      return keep();
    }
    case HelperResult::Unknown: return legacy(reply.other);
    case HelperResult::BrokenHelper: return keep("URL rewrite helper: BH " + reply.note("message").value_or(""));
    case HelperResult::TimedOut: return keep("URL rewrite helper: Timedout");
    case HelperResult::Error: return keep();
    case HelperResult::TT: return keep("URL rewrite helper returned invalid result code. Wrong helper?");
  }
  return keep();
}

std::optional<std::string> decide_store_id(const HelperReply& reply) {
  if (reply.result != HelperResult::Ok) return std::nullopt;
  return reply.note("store-id");
}

}  // namespace cuttle::helpers
