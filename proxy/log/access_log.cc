#include "proxy/log/access_log.h"

#include "proxy/log/log_rotation.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <stdexcept>

namespace cuttle {

AccessLog::AccessLog() : flusher_([this] { flusher_loop(); }) {}

AccessLog::~AccessLog() {
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  flusher_.join();
  flush();
  close_all();
}

void AccessLog::flusher_loop() {
  std::vector<std::string> batch;
  std::unique_lock lock(queue_mutex_);
  while (!stopping_) {
    wake_.wait(lock, [&] { return stopping_ || queued_bytes_ > 0; });
    // buffered_logs: let the batch gather unless it is big already.
    if (batching_.buffered)
      wake_.wait_for(lock, batching_.batch_delay, [&] { return stopping_ || queued_bytes_ >= kBatchBytes; });
    lock.unlock();
    {
      std::lock_guard order(write_order_);
      {
        std::lock_guard take(queue_mutex_);
        batch.resize(queued_.size());
        batch.swap(queued_);
        queued_bytes_ = 0;
      }
      write_out(batch);
    }
    // Keep buffers of a batch's usual size; let go of a burst's.
    for (auto& lines : batch) {
      if (lines.capacity() > 4 * kBatchBytes) std::string().swap(lines);
      lines.clear();
    }
    lock.lock();
  }
}

void AccessLog::flush() {
  std::lock_guard order(write_order_);
  std::vector<std::string> batch;
  {
    std::lock_guard take(queue_mutex_);
    batch.resize(queued_.size());
    batch.swap(queued_);
    queued_bytes_ = 0;
  }
  write_out(batch);
}

void AccessLog::write_out(const std::vector<std::string>& lines) {
  std::shared_lock lock(mutex_);
  for (size_t i = 0; i < fds_.size() && i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    // O_APPEND makes each write land whole at the end, whichever process writes.
    [[maybe_unused]] auto n = ::write(fds_[i], lines[i].data(), lines[i].size());
  }
}

void AccessLog::close_all() {
  for (int fd : fds_) ::close(fd);
  fds_.clear();
}

void AccessLog::open(const std::vector<std::string>& paths, Formats formats, Options options) {
  open_files(paths, std::move(formats), options, /*renumber=*/true);
}

void AccessLog::open_files(const std::vector<std::string>& paths, Formats formats, Options options, bool renumber) {
  std::vector<int> fds;
  for (const auto& path : paths) {
    auto dir = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!dir.empty()) std::filesystem::create_directories(dir, ec);
    int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      std::string why = std::strerror(errno);
      for (int f : fds) ::close(f);
      throw std::runtime_error("cannot open access_log " + path + ": " + why);
    }
    fds.push_back(fd);
  }
  flush();  // what was logged so far belongs to the files open until now
  std::unique_lock lock(mutex_);
  close_all();
  if (renumber || paths != paths_) {
    sequence_ = std::make_unique<std::atomic<uint64_t>[]>(paths.size());
    for (size_t i = 0; i < paths.size(); ++i) sequence_[i] = 0;
  }
  paths_ = paths;
  formats_ = std::move(formats);
  formats_.resize(paths_.size());
  options_ = options;
  fds_ = std::move(fds);
  std::lock_guard queue(queue_mutex_);
  queued_.resize(fds_.size());
  batching_ = options;
}

void AccessLog::reopen() {
  std::vector<std::string> paths;
  Formats formats;
  Options options;
  {
    std::shared_lock lock(mutex_);
    paths = paths_;
    formats = formats_;
    options = options_;
  }
  open_files(paths, std::move(formats), options, /*renumber=*/false);
}

void AccessLog::rotate(const std::vector<int>& counts) {
  flush();  // what was logged so far belongs in the files being renamed
  std::vector<std::string> paths;
  {
    std::shared_lock lock(mutex_);
    paths = paths_;
  }
  for (size_t i = 0; i < paths.size() && i < counts.size(); ++i) rename_numbered(paths[i], counts[i]);
  reopen();
}

void AccessLog::format_lines(const AccessLogEntry& entry, uint64_t files, std::vector<std::string>& lines) const {
  lines.resize(fds_.size());
  for (size_t i = 0; i < fds_.size() && i < kMaxFiles; ++i) {
    lines[i].clear();
    if (!(files & (uint64_t{1} << i))) continue;
    // Only a file whose format shows %sn counts its lines (all of them are in that format).
    const bool numbered = formats_[i] && formats_[i]->sequence;
    const LineContext context{numbered ? sequence_[i].fetch_add(1, std::memory_order_relaxed) : 0,
                              options_.mime_headers};
    // An earlier selected file with this format already has the line, unless it is numbered.
    size_t same = 0;
    while (same < i && (numbered || !(files & (uint64_t{1} << same)) || formats_[same] != formats_[i])) ++same;
    if (same < i) {
      lines[i] = lines[same];
      continue;
    }
    if (formats_[i]) append_formatted(lines[i], *formats_[i], entry, context);
    else append_squid_native(lines[i], entry, context);
    lines[i] += '\n';
  }
}

void AccessLog::write(const AccessLogEntry& entry, uint64_t files) {
  // Reused by each thread: a log line costs no allocation once warm.
  thread_local std::vector<std::string> lines;
  bool buffered;
  {
    std::shared_lock lock(mutex_);
    if (fds_.empty() || files == 0) return;
    format_lines(entry, files, lines);
    buffered = options_.buffered;
  }
  if (!buffered) {
    // As Squid's stdio module: written as the transaction ends, by the worker
    // itself (handing each line to the writer thread cost a context switch).
    std::lock_guard order(write_order_);
    write_out(lines);
    return;
  }
  bool wake;
  {
    std::lock_guard lock(queue_mutex_);
    // The flusher sleeps until a batch starts; buffered, it then waits a while or until it is big.
    const size_t before = queued_bytes_;
    for (size_t i = 0; i < queued_.size() && i < lines.size(); ++i) {
      queued_[i] += lines[i];
      queued_bytes_ += lines[i].size();
    }
    wake = (before == 0 && queued_bytes_ > 0) || (before < kBatchBytes && queued_bytes_ >= kBatchBytes);
  }
  if (wake) wake_.notify_one();
}

}  // namespace cuttle
