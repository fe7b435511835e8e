// A logfile_daemon process, started as squid 5.7's ipcCreate(IPC_STREAM) starts
// it: argv {"(logfile-daemon)", PLACE}, the program looked up in PATH, stdin and
// stdout one end of a Unix stream socket pair with 32 KiB buffers, stderr
// cuttle's, no other descriptor, default signal handling, a session of its own
// (squid -N's setsid), cuttle's environment.
#pragma once

#include <string>
#include <sys/types.h>

namespace cuttle {

class DaemonProcess {
 public:
  // Throws std::system_error when it cannot be started (exec's errno).
  DaemonProcess(const std::string& program, const std::string& place);
  // Closes our end: the daemon reads EOF and exits (log_file_daemon does). One
  // still running after half a second gets SIGTERM (squid sends it at once) and
  // is reaped in the background.
  ~DaemonProcess();
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  int fd() const { return fd_; }  // our end, non-blocking
  pid_t pid() const { return pid_; }
  // Whether it has exited (then reaped, `status()` as waitpid reports it).
  bool exited();
  int status() const { return status_; }
  // Reads and drops what it wrote to its stdout (squid never reads it), so a
  // chatty daemon does not block on a full socket.
  void discard_output();

 private:
  int fd_ = -1;
  pid_t pid_ = -1;
  bool reaped_ = false;
  int status_ = 0;
};

}  // namespace cuttle
