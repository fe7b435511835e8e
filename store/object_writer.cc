#include "store/object_writer.h"

#include <algorithm>
#include <cstring>

namespace cuttle::store {

ObjectWriter::ObjectWriter(ObjectCache& store, std::string key, std::optional<uint64_t> expected_size)
    : store_(store), key_(std::move(key)), object_id_(store.allocate_object_id_for(expected_size)) {}

ObjectWriter::~ObjectWriter() {
  if (open_) abandon();
}

void ObjectWriter::append(std::string_view data) {
  hash_.update(data);
  body_length_ += data.size();
  const size_t chunk_size = store_.chunk_size();
  while (!data.empty()) {
    size_t n = std::min(chunk_size - pending_.size(), data.size());
    pending_.append(data.substr(0, n));
    data.remove_prefix(n);
    if (pending_.size() == chunk_size) flush_chunk();
  }
}

void ObjectWriter::flush_chunk() {
  store_.put_chunk(object_id_, key_, chunks_++, std::move(pending_));
  pending_.clear();
}

void ObjectWriter::finish(ObjectRecord record, std::function<void(bool)> done) {
  if (!pending_.empty()) flush_chunk();
  record.kind = RecordKind::Object;
  record.object_id = object_id_;
  record.body_length = body_length_;
  record.chunk_count = chunks_;
  auto digest = hash_.finish();
  std::memcpy(record.body_sha256.data(), digest.data(), record.body_sha256.size());
  store_.commit_object(key_, std::move(record), std::move(done));
  open_ = false;
}

void ObjectWriter::abandon() {
  if (!open_) return;
  open_ = false;
  if (chunks_ > 0) store_.abandon_object(object_id_);
}

}  // namespace cuttle::store
