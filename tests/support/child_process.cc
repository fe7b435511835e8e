#include "tests/support/child_process.h"

#include "tests/support/temp_dir.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace cuttle::testing {

ChildProcess::ChildProcess(std::vector<std::string> argv, std::string output_file)
    : output_file_(std::move(output_file)) {
  // Everything the child needs is prepared before fork: other test threads may
  // hold allocator locks, so the child only makes system calls.
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  int fd = ::open(output_file_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
    }
    // Asio does not open sockets close-on-exec: without this the child would
    // inherit (and keep open) the test's listeners and connections.
    ::close_range(3, ~0U, 0);
    ::execvp(args[0], args.data());
    _exit(127);
  }
  if (fd >= 0) ::close(fd);
}

namespace {

// Under scripts/test-sanitizers.sh, a child whose output holds a sanitizer report
// (UBSan writes to stderr beside ASan, whatever log_path says) leaves its output
// in $CUTTLE_SANITIZER_REPORTS, where the script finds it and fails the run: a
// report in a child's output must not vanish with the test's temporary files.
void keep_sanitizer_report(const std::string& output, pid_t pid) {
  const char* dir = std::getenv("CUTTLE_SANITIZER_REPORTS");
  if (!dir || !*dir) return;
  for (const char* marker : {"runtime error:", "ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                             "WARNING: ThreadSanitizer", "ERROR: ThreadSanitizer"}) {
    if (output.find(marker) == std::string::npos) continue;
    std::ofstream(std::string(dir) + "/child-output." + std::to_string(pid)) << output;
    return;
  }
}

}  // namespace

ChildProcess::~ChildProcess() {
  if (running()) stop(SIGTERM, std::chrono::seconds(10));
  if (running()) stop(SIGKILL, std::chrono::seconds(5));
  keep_sanitizer_report(output(), pid_);
}

bool ChildProcess::running() {
  if (status_ != -1 || pid_ <= 0) return false;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == 0) return true;
  if (r < 0) {
    if (errno == EINTR) return true;  // ask again next time
    status_ = 255;                    // not our child any more: unknown status
    return false;
  }
  status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return false;
}

int ChildProcess::wait(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() > deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return status_;
}

int ChildProcess::stop(int signal, std::chrono::milliseconds timeout) {
  if (running()) ::kill(pid_, signal);
  return wait(timeout);
}

std::string ChildProcess::output() const { return read_file(output_file_); }

CommandResult run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
  char pattern[] = "/tmp/cuttle-cmd-XXXXXX";
  int fd = mkstemp(pattern);
  if (fd >= 0) ::close(fd);
  CommandResult result;
  {
    ChildProcess child(argv, pattern);
    result.exit_code = child.wait(timeout);
    result.output = child.output();
  }
  ::unlink(pattern);
  return result;
}

bool wait_for_port(unsigned short port, std::chrono::milliseconds timeout, ChildProcess& process) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  constexpr auto kSlice = std::chrono::milliseconds(200);
  while (std::chrono::steady_clock::now() < deadline) {
    if (wait_for_port(port, kSlice)) return true;
    if (!process.running()) return wait_for_port(port, std::chrono::milliseconds(0));
  }
  return false;
}

bool wait_for_port(unsigned short port, std::chrono::milliseconds timeout, const std::string& address) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    ::inet_pton(AF_INET, address.c_str(), &sa.sin_addr);
    bool ok = ::connect(s, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
    ::close(s);
    if (ok) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

}  // namespace cuttle::testing
