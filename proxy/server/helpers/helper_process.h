// One helper child process: the program started without a shell (argv as Squid
// splits the configured line), its stdin and stdout as pipes on the worker's
// io_context, stderr shared with cuttle's, no other descriptor inherited.
#pragma once

#include "proxy/server/asio_types.h"

#include <boost/asio/posix/stream_descriptor.hpp>

#include <string>
#include <sys/types.h>
#include <vector>

namespace cuttle {

class HelperProcess {
 public:
  // Throws std::system_error when the program cannot be started (not found, not
  // executable: exec's errno, as posix_spawn reports it).
  HelperProcess(asio::any_io_executor executor, const std::vector<std::string>& argv);
  // Closes its stdin (a helper's cue to exit) and reaps it: SIGKILL when it has
  // not exited within a short grace period.
  ~HelperProcess();
  HelperProcess(const HelperProcess&) = delete;
  HelperProcess& operator=(const HelperProcess&) = delete;

  pid_t pid() const { return pid_; }
  asio::posix::stream_descriptor& input() { return stdin_; }    // we write requests here
  asio::posix::stream_descriptor& output() { return stdout_; }  // and read replies here
  // Completes when the process has exited (reaped then; exit_status() is valid).
  awaitable<void> wait_exit();
  int exit_status() const { return status_; }  // as waitpid reports it
  void kill();                                  // SIGKILL; wait_exit() completes soon after

 private:
  bool try_reap();

  pid_t pid_ = -1;
  bool reaped_ = false;
  int status_ = 0;
  asio::posix::stream_descriptor stdin_, stdout_;
  asio::posix::stream_descriptor exit_;  // a pidfd: readable once the process has exited
};

}  // namespace cuttle
