#include "proxy/server/error_page_facts.h"

#include "proxy/http/entry_before_logging.h"
#include "proxy/http/header_rules.h"
#include "proxy/http/page_logformat.h"

#include <chrono>
#include <ctime>
#include <memory>

namespace cuttle {
namespace {

// The URL's authority, as Squid's AnyP::Uri::authority() writes it: the port
// only when it is not the scheme's default.
std::string url_authority(const RequestFacts& facts) {
  std::string host = facts.host.find(':') != std::string::npos ? "[" + facts.host + "]" : facts.host;
  const uint16_t default_port = facts.scheme == "https" ? 443 : 80;
  return facts.port && facts.port != default_port ? host + ":" + std::to_string(facts.port) : host;
}

// The request as Squid's error pages print it: the request line with the path
// only and a bare LF, then each header field as received, except that Host
// comes last, rewritten from the URL (Squid normalizes it so on arrival).
std::string squid_request_head(const Transaction& tx) {
  const auto& req = tx.request();
  std::string head = std::string(req.method_string()) + " " + tx.facts.path + " HTTP/" +
                     std::to_string(req.version() / 10) + "." + std::to_string(req.version() % 10) + "\n";
  bool had_host = false;
  for (const auto& field : req) {
    if (field.name() == http::field::host) {
      had_host = true;
      continue;
    }
    head.append(field.name_string()).append(": ").append(field.value()).append("\r\n");
  }
  if (had_host) head += "Host: " + url_authority(tx.facts) + "\r\n";
  return head;
}

bool has_request(const Transaction& tx) { return tx.parser && !tx.facts.method.empty(); }

std::string request_head_of(const Transaction& tx) {
  if (tx.request_snapshot) return tx.request_snapshot->squid_head;
  return has_request(tx) ? squid_request_head(tx) : std::string();
}

bool shows_request(std::string_view text) {
  return text.find("%R") != std::string_view::npos || text.find("%W") != std::string_view::npos;
}

// The header fields of a head as squid_request_head writes it (request line,
// then "Name: value\r\n" each).
std::vector<std::pair<std::string, std::string>> header_fields(std::string_view head) {
  std::vector<std::pair<std::string, std::string>> fields;
  const auto request_line_end = head.find('\n');
  if (request_line_end == std::string_view::npos) return fields;
  head.remove_prefix(request_line_end + 1);
  while (!head.empty()) {
    const auto end = head.find("\r\n");
    const auto line = head.substr(0, end);
    head.remove_prefix(end == std::string_view::npos ? head.size() : end + 2);
    const auto colon = line.find(": ");
    if (colon != std::string_view::npos) fields.emplace_back(line.substr(0, colon), line.substr(colon + 2));
  }
  return fields;
}

// What @Squid{%code} sees: squid builds a page before it logs the transaction,
// so the entry is as request_header_add sees it, with neither the HTTP version
// nor the content type yet, the URL as it will be logged, the time now and, for
// a failed forwarding only, the error already recorded (the others are
// recorded after the page is made).
std::shared_ptr<const AccessLogEntry> page_log_entry(const Transaction& tx, bool error_recorded) {
  auto entry = std::make_shared<AccessLogEntry>(entry_before_logging(tx.entry, tx.facts));
  entry->end_time = std::chrono::system_clock::now();
  entry->version_major = entry->version_minor = 0;
  entry->content_type = "-";
  entry->reply_head.clear();
  if (tx.config().strip_query_terms) strip_query_terms(*entry);
  if (!error_recorded) entry->error_name.clear(), entry->error_detail.clear();
  if (has_request(tx)) entry->request_headers = header_fields(request_head_of(tx));
  return entry;
}

}  // namespace

std::string accept_language_of(const Transaction& tx) {
  if (tx.request_snapshot) return tx.request_snapshot->accept_language;
  return has_request(tx) ? joined_values(tx.request(), "Accept-Language") : std::string();
}

void keep_request_for_error_pages(Transaction& tx) {
  if (!tx.active->error_templates || tx.request_snapshot || !has_request(tx)) return;
  tx.request_snapshot = Transaction::RequestSnapshot{squid_request_head(tx), accept_language_of(tx)};
}

ErrorPageFacts error_page_facts(const ClientConnection& conn, const Transaction& tx, std::string page,
                                std::string_view text, const ErrorDetail& detail, bool error_recorded) {
  const Config& config = tx.config();
  ErrorPageFacts f;
  f.url = tx.entry.url;
  if (has_request(tx)) {
    f.method = tx.facts.method;
    f.scheme = tx.facts.scheme;
    f.host = tx.facts.host;
    f.path = tx.facts.path;
    f.port = tx.facts.port;
    f.client_version = tx.request().version();
    if (shows_request(text)) f.request_head = request_head_of(tx);
  }
  f.client_ip = conn.client_ip;
  if (tx.facts.auth.status == AuthStatus::Accepted) f.user = tx.facts.auth.user;
  f.listening_port = tx.active->forward_port.value_or(conn.local_port);
  f.local_ip = conn.listening_ip;  // squid's FindListeningPortAddress
  f.page = std::move(page);
  f.sys_errno = detail.sys_errno;
  f.server_ip = detail.server_ip;
  f.dns_error = detail.dns_error;
  f.external_message = tx.facts.external.message;
  f.hostname = tx.active->hostname;
  f.cache_mgr = config.cache_mgr;
  f.email_err_data = config.error_pages.email_err_data;
  f.html_text = config.error_pages.html_text;
  if (tx.active->error_templates) f.stylesheet = tx.active->error_templates->stylesheet();
  f.now = std::time(nullptr);
  f.product = tx.active->product();
  if (text.find(kLogformatMagic) != std::string_view::npos) f.log_entry = page_log_entry(tx, error_recorded);
  return f;
}

}  // namespace cuttle
