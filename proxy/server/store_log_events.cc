#include "proxy/server/store_log_events.h"

#include "proxy/cache/store_log_reply.h"

#include <algorithm>
#include <chrono>
#include <vector>

namespace cuttle {

namespace {

std::string_view url_of_key(std::string_view key) { return key.substr(0, key.find('\n')); }

// Squid's Vary marker entry: an internal reply that only names the variance.
StoreLogReply vary_marker_reply(const store::ObjectRecord& record, std::string_view url) {
  StoreLogReply reply;
  reply.status = 200;
  reply.date = record.response_time / 1000;
  reply.expires = reply.date + 100000;  // squid's marker "expires" well after its variants
  reply.content_type = "x-squid-internal/vary";
  reply.content_length = -1;
  reply.method = "GET";
  reply.url = std::string(url);
  return reply;
}

StoreLogTag tag_of(store::StoreEvent::Kind kind) {
  return kind == store::StoreEvent::Kind::Stored ? StoreLogTag::Swapout : StoreLogTag::Release;
}

}  // namespace

StoreLogRecord store_log_record(const store::StoreEvent& event, int dir) {
  using Kind = store::StoreEvent::Kind;
  StoreLogRecord line;
  line.time = std::chrono::system_clock::now();
  line.tag = tag_of(event.kind);
  line.dir = dir;
  line.file = dir < 0 ? -1 : static_cast<int64_t>(event.record.object_id);
  const auto url = url_of_key(event.key);
  // A revalidated object was made private before its successor became public.
  line.key = event.by_revalidation ? private_store_key() : public_store_key("GET", url, squid_vary_mark(event.key));
  if (event.kind == Kind::Evicted) return line;
  if (event.record.kind == store::RecordKind::VaryMarker) {
    line.reply = vary_marker_reply(event.record, url);
  } else {
    line.reply = store_log_reply(event.record.header_block, "GET", std::string(url),
                                 static_cast<int64_t>(event.record.body_length));
  }
  return line;
}

void attach_store_log(store::StoreOptions& options, StoreLog& log, int dir) {
  options.events_wanted = [&log] { return log.enabled(); };
  options.on_events = [&log, dir](std::vector<store::StoreEvent>&& events) {
    for (const auto& event : events)
      if (dir >= 0 || event.kind != store::StoreEvent::Kind::Stored) log.write(store_log_record(event, dir));
  };
}

StoreLogRecord private_release_record(const AccessLogEntry& entry, std::string_view server_head) {
  StoreLogRecord line;
  line.time = entry.end_time;
  line.key = private_store_key();
  if (!server_head.empty()) {
    line.reply = store_log_reply(server_head, entry.method, entry.url, 0);
    return line;
  }
  const auto body = entry.reply_bytes - std::min<uint64_t>(entry.reply_bytes, entry.reply_head.size());
  line.reply = store_log_reply(entry.reply_head, entry.method, entry.url, static_cast<int64_t>(body));
  const bool answers_from_store = entry.result == ResultCode::TcpImsHit || entry.result == ResultCode::TcpInmHit;
  // A 304 made from the stored reply keeps its type; access.log has it.
  if (line.reply->content_type.empty() && entry.content_type != "-") line.reply->content_type = entry.content_type;
  // What Squid makes itself (error pages, PURGE answers) has a zero Last-Modified.
  if (entry.server_status == 0 && !answers_from_store && line.reply->last_modified < 0) line.reply->last_modified = 0;
  return line;
}

bool releases_private_entry(const AccessLogEntry& entry) {
  switch (entry.result) {
    case ResultCode::TcpHit:
    case ResultCode::TcpMemHit:
    case ResultCode::TcpNegativeHit:
    case ResultCode::TcpTunnel:
    case ResultCode::UdpHit:
    case ResultCode::UdpMiss:
    case ResultCode::UdpMissNofetch:
    case ResultCode::UdpDenied:
    case ResultCode::UdpInvalid:
      return false;
    default:
      return entry.status != 0 && entry.method != "CONNECT";  // a tunnel's error page has no entry either
  }
}

}  // namespace cuttle
