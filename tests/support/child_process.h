// A child process with stdout/stderr captured to a file, stopped on destruction
// (SIGTERM, then SIGKILL after a grace period).
#pragma once

#include <chrono>
#include <string>
#include <sys/types.h>
#include <vector>

namespace cuttle::testing {

class ChildProcess {
 public:
  ChildProcess(std::vector<std::string> argv, std::string output_file);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  // Sends `signal` and waits up to `timeout` for exit; returns the exit status
  // (128+signal when killed by one), or -1 if it did not exit in time.
  int stop(int signal, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  int wait(std::chrono::milliseconds timeout);
  std::string output() const;

 private:
  pid_t pid_ = -1;
  int status_ = -1;
  std::string output_file_;
};

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs a command to completion (bounded by `timeout`).
CommandResult run_command(const std::vector<std::string>& argv,
                          std::chrono::milliseconds timeout = std::chrono::seconds(30));

// Polls until something accepts TCP connections on 127.0.0.1:port.
bool wait_for_port(unsigned short port, std::chrono::milliseconds timeout, const std::string& address = "127.0.0.1");
// The same, giving up at once when `process` exits first (a server that refused
// its configuration never listens: no need to wait the whole timeout).
bool wait_for_port(unsigned short port, std::chrono::milliseconds timeout, ChildProcess& process);

}  // namespace cuttle::testing
