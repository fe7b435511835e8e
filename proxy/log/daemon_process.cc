#include "proxy/log/daemon_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <system_error>
#include <thread>
#include <vector>

extern char** environ;

namespace cuttle {

namespace {

constexpr int kSocketBuffer = 32768;  // ipcCreate's SO_SNDBUF/SO_RCVBUF on both ends

pid_t spawn_daemon(const std::string& program, const std::string& place, int child_end) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, child_end, STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, child_end, STDOUT_FILENO);
  posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t all;
  sigfillset(&all);
  posix_spawnattr_setsigdefault(&attributes, &all);  // cuttle ignores SIGPIPE; the daemon must not
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSID);
  std::vector<char*> argv{const_cast<char*>("(logfile-daemon)"), const_cast<char*>(place.c_str()), nullptr};
  pid_t pid = -1;
  const int error = ::posix_spawnp(&pid, program.c_str(), &actions, &attributes, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (error != 0) throw std::system_error(error, std::generic_category(), "cannot start logfile_daemon " + program);
  return pid;
}

}  // namespace

DaemonProcess::DaemonProcess(const std::string& program, const std::string& place) {
  int ends[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0)
    throw std::system_error(errno, std::generic_category(), "socketpair for logfile_daemon");
  for (int end : ends) {
    ::setsockopt(end, SOL_SOCKET, SO_SNDBUF, &kSocketBuffer, sizeof kSocketBuffer);
    ::setsockopt(end, SOL_SOCKET, SO_RCVBUF, &kSocketBuffer, sizeof kSocketBuffer);
  }
  try {
    pid_ = spawn_daemon(program, place, ends[1]);
  } catch (...) {
    ::close(ends[0]);
    ::close(ends[1]);
    throw;
  }
  ::close(ends[1]);
  fd_ = ends[0];
  ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
}

DaemonProcess::~DaemonProcess() {
  ::close(fd_);
  for (int i = 0; i < 50 && !exited(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (exited()) return;
  ::kill(pid_, SIGTERM);
  // Reaped whenever it goes: nothing waits on a daemon that ignores SIGTERM.
  std::thread([pid = pid_] { ::waitpid(pid, nullptr, 0); }).detach();
}

bool DaemonProcess::exited() {
  if (!reaped_ && ::waitpid(pid_, &status_, WNOHANG) == pid_) reaped_ = true;
  return reaped_;
}

void DaemonProcess::discard_output() {
  char scratch[4096];
  while (::recv(fd_, scratch, sizeof scratch, MSG_DONTWAIT) > 0) {
  }
}

}  // namespace cuttle
