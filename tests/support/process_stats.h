// What a running process holds, read from /proc: open descriptors and anonymous
// resident memory. Fault tests use them to show nothing leaks.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>

namespace cuttle::testing {

// Entries in /proc/PID/fd; 0 if the process is gone.
size_t open_fd_count(pid_t pid);

// RssAnon from /proc/PID/status: heap and stacks, not file pages such as an LMDB map.
uint64_t anon_rss_kib(pid_t pid);

// Polls `done` every 20 ms until it holds or `timeout` passes; its last answer.
bool eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout);

}  // namespace cuttle::testing
