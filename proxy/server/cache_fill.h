// The tee that stores a reply while it streams to the client: decides on the
// reply header whether the object may be stored, copies each body piece into an
// ObjectWriter, and commits only when the whole body arrived (a transfer that
// fails midway is abandoned, never stored as complete).
#pragma once

#include "proxy/cache/refresh_pattern.h"
#include "store/object_writer.h"

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/message.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace cuttle {

namespace http = boost::beast::http;

class CacheFill {
 public:
  // `store_set_cookie`: cache_set_cookie.
  CacheFill(store::ObjectCache& store, std::string url, std::string method, http::fields request,
            const RefreshPattern& pattern, std::chrono::seconds negative_ttl, bool store_set_cookie);

  // `header`: the reply as it will be stored, hop-by-hop fields already removed
  // and before this proxy adds its own. Returns whether the body will be stored.
  bool start(const http::response_header<>& header, std::optional<uint64_t> content_length);
  // Stops storing (abandons) once the body is too large for its cache_dir.
  void append(std::string_view piece);
  // The store's writer is behind: the relay should pause before reading more.
  bool backlogged() const { return writer_ && store_.queued_bytes() > store::ObjectCache::kMaxQueuedBytes; }
  // The body is complete: commit it (and the Vary marker, if any).
  void finish();
  // The reply answers a revalidation of the stored one it will replace.
  void replaces_revalidated() { revalidation_ = true; }
  // finish() committed the reply to the store (cache_store_log: no private release).
  bool stored() const { return stored_; }

 private:
  void commit_vary_marker();

  store::ObjectCache& store_;
  std::string url_, method_;
  http::fields request_;
  const RefreshPattern& pattern_;
  std::chrono::seconds negative_ttl_;
  bool store_set_cookie_;
  int64_t request_time_ms_, response_time_ms_ = 0;
  http::response_header<> header_;
  std::vector<std::string> vary_;
  std::optional<store::ObjectWriter> writer_;
  bool stored_ = false;
  bool revalidation_ = false;
};

}  // namespace cuttle
