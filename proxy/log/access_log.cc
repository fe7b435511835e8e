#include "proxy/log/access_log.h"

#include "proxy/log/log_files.h"
#include "proxy/log/log_rotation.h"

#include <unistd.h>

#include <algorithm>
#include <iostream>
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
    if (lines[i].empty() || fds_[i] < 0) continue;
    // O_APPEND makes each write land whole at the end, whichever process writes.
    [[maybe_unused]] auto n = ::write(fds_[i], lines[i].data(), lines[i].size());
  }
}

void AccessLog::close_all() {
  for (int fd : fds_)
    if (fd >= 0) ::close(fd);
  fds_.clear();
}

void AccessLog::open(const std::vector<std::string>& paths, Formats formats, Options options) {
  std::vector<AccessLogOutput> outputs;
  for (size_t i = 0; i < paths.size(); ++i)
    outputs.push_back({.destination = paths[i], .format = i < formats.size() ? formats[i] : nullptr, .settings = {}});
  open(std::move(outputs), options);
}

namespace {

LogDestinationSpec spec_of_output(const AccessLogOutput& output) {
  try {
    return parse_log_destination(output.destination);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(std::string("access_log ") + e.what());
  }
}

// on-error=drop: squid's logfileOpen reports the log it could not open and goes on without it.
void report_dropped(const std::string& why) {
  std::cerr << ("cuttle: " + why + "; not logging to it (on-error=drop)\n") << std::flush;
}

}  // namespace

std::vector<int> AccessLog::open_files(const std::vector<LogDestinationSpec>& specs,
                                       const std::vector<bool>& may_drop) {
  std::vector<int> fds(specs.size(), -1);
  for (size_t i = 0; i < specs.size(); ++i) {
    if (specs[i].module != LogModule::Stdio) continue;
    try {
      fds[i] = open_log_file(specs[i].place);
    } catch (const std::runtime_error& e) {
      if (i < may_drop.size() && may_drop[i]) {
        report_dropped(e.what());
        continue;
      }
      for (int fd : fds)
        if (fd >= 0) ::close(fd);
      throw;
    }
  }
  return fds;
}

void AccessLog::open(std::vector<AccessLogOutput> outputs, Options options) {
  std::vector<LogDestinationSpec> specs;
  for (const auto& output : outputs) specs.push_back(spec_of_output(output));
  std::vector<bool> may_drop;
  for (const auto& output : outputs) may_drop.push_back(!output.settings.die_on_error);
  auto fds = open_files(specs, may_drop);
  std::vector<std::unique_ptr<LogDestination>> modules(specs.size());
  try {
    for (size_t i = 0; i < specs.size(); ++i) {
      if (specs[i].module == LogModule::Stdio) continue;
      try {
        modules[i] = open_log_destination(specs[i], outputs[i].settings);
      } catch (const std::runtime_error& e) {
        if (!may_drop[i]) throw;
        report_dropped(e.what());
      }
    }
  } catch (...) {
    for (int fd : fds)
      if (fd >= 0) ::close(fd);
    throw;
  }
  flush();  // what was logged so far belongs to the outputs open until now
  std::vector<std::unique_ptr<LogDestination>> closing;
  {
    std::unique_lock lock(mutex_);
    close_all();
    closing.swap(modules_);
    sequence_ = std::make_unique<std::atomic<uint64_t>[]>(outputs.size());
    for (size_t i = 0; i < outputs.size(); ++i) sequence_[i] = 0;
    formats_.clear();
    for (const auto& output : outputs) formats_.push_back(output.format);
    outputs_ = std::move(outputs);
    specs_ = std::move(specs);
    options_ = options;
    fds_ = std::move(fds);
    modules_ = std::move(modules);
    has_modules_ = std::any_of(modules_.begin(), modules_.end(), [](const auto& m) { return m != nullptr; });
    std::lock_guard queue(queue_mutex_);
    queued_.resize(fds_.size());
    batching_ = options;
  }
  // Closed outside the lock: a module writes what it queued first, which may take a moment.
  closing.clear();
}

void AccessLog::reopen() {
  std::vector<LogDestinationSpec> specs;
  std::vector<bool> may_drop;
  {
    std::shared_lock lock(mutex_);
    specs = specs_;
    for (const auto& output : outputs_) may_drop.push_back(!output.settings.die_on_error);
  }
  auto fds = open_files(specs, may_drop);
  flush();
  std::unique_lock lock(mutex_);
  if (specs.size() != specs_.size()) {  // opened anew meanwhile
    for (int fd : fds)
      if (fd >= 0) ::close(fd);
    return;
  }
  for (size_t i = 0; i < fds_.size(); ++i)
    if (fds_[i] >= 0) ::close(fds_[i]);
  fds_ = std::move(fds);
}

void AccessLog::rotate(const std::vector<int>& counts) {
  flush();  // what was logged so far belongs in the files being renamed
  std::vector<LogDestinationSpec> specs;
  {
    std::shared_lock lock(mutex_);
    specs = specs_;
    for (size_t i = 0; i < modules_.size() && i < counts.size(); ++i)
      if (modules_[i]) modules_[i]->rotate(counts[i]);
  }
  for (size_t i = 0; i < specs.size() && i < counts.size(); ++i)
    if (specs[i].module == LogModule::Stdio) rename_numbered(specs[i].place, counts[i]);
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

namespace {

// Where squid's squid, common and combined formats make their second write
// under log_mime_hdrs: after the line without the headers.
size_t first_piece_length(const AccessLogEntry& entry, const LogFormat* format) {
  thread_local std::string first;
  first.clear();
  if (!format) append_squid_native(first, entry, {});
  else if (format->kind == LogFormat::Kind::Common || format->kind == LogFormat::Kind::Combined)
    append_formatted(first, *format, entry, {});
  else return std::string_view::npos;
  return first.size();
}

}  // namespace

void AccessLog::hand_to_modules(const AccessLogEntry& entry, std::vector<std::string>& lines) const {
  for (size_t i = 0; i < modules_.size() && i < lines.size(); ++i) {
    if (!modules_[i] || lines[i].empty()) continue;
    const bool in_pieces = options_.mime_headers &&
                           (specs_[i].module == LogModule::Syslog || specs_[i].module == LogModule::Udp);
    modules_[i]->write_line(lines[i], in_pieces ? first_piece_length(entry, formats_[i].get()) : std::string_view::npos);
    lines[i].clear();  // not a file's
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
    if (has_modules_) hand_to_modules(entry, lines);
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
