#include "proxy/server/helpers/helper_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <system_error>
#include <thread>

extern char** environ;

namespace cuttle {

namespace {

struct Pipe {
  int read_end = -1, write_end = -1;
  Pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe2");
    read_end = fds[0], write_end = fds[1];
  }
};

// The child's stdin and stdout are the pipes' far ends; every other descriptor
// of cuttle (listeners, client sockets, the store) is closed in the child.
pid_t spawn(const std::vector<std::string>& argv, int child_stdin, int child_stdout) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, child_stdin, STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, child_stdout, STDOUT_FILENO);
  posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
  // A helper starts with default signal handling (cuttle ignores SIGPIPE).
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t all;
  sigfillset(&all);
  posix_spawnattr_setsigdefault(&attributes, &all);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int error = ::posix_spawnp(&pid, args[0], &actions, &attributes, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (error != 0) throw std::system_error(error, std::generic_category(), "cannot start helper " + argv[0]);
  return pid;
}

int open_pidfd(pid_t pid) {
  int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "pidfd_open");
  return fd;
}

}  // namespace

HelperProcess::HelperProcess(asio::any_io_executor executor, const std::vector<std::string>& argv)
    : stdin_(executor), stdout_(executor), exit_(executor) {
  if (argv.empty()) throw std::system_error(EINVAL, std::generic_category(), "helper without a program");
  Pipe requests, replies;
  try {
    pid_ = spawn(argv, requests.read_end, replies.write_end);
  } catch (...) {
    for (int fd : {requests.read_end, requests.write_end, replies.read_end, replies.write_end}) ::close(fd);
    throw;
  }
  ::close(requests.read_end);
  ::close(replies.write_end);
  stdin_.assign(requests.write_end);
  stdout_.assign(replies.read_end);
  exit_.assign(open_pidfd(pid_));
}

HelperProcess::~HelperProcess() {
  error_code ignored;
  stdin_.close(ignored);
  stdout_.close(ignored);
  exit_.close(ignored);
  // Helpers exit when their stdin closes; one that does not in 200 ms is killed,
  // so stopping a worker never waits on a hung helper.
  for (int i = 0; i < 20 && !try_reap(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (!try_reap()) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status_, 0);
  }
}

bool HelperProcess::try_reap() {
  if (reaped_) return true;
  if (::waitpid(pid_, &status_, WNOHANG) == pid_) reaped_ = true;
  return reaped_;
}

awaitable<void> HelperProcess::wait_exit() {
  while (!try_reap()) {
    auto [ec] = co_await exit_.async_wait(asio::posix::stream_descriptor::wait_read, use_nothrow);
    if (ec) co_return;  // the descriptor was closed: the process is being dropped
  }
}

void HelperProcess::kill() {
  if (!reaped_) ::kill(pid_, SIGKILL);
}

}  // namespace cuttle
