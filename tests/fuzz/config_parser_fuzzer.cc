// Feeds arbitrary text to the squid.conf parser (load_config_text) as a main
// file whose directory holds a few files to `include` and an ACL value file.
// Checked: the parser answers with a Config or a ConfigError, never anything
// else (no other exception, no crash); every error and warning starts with the
// file:line it is about, within that file's lines; and the same text behind one
// more comment line gives the same answer with every main-file line number one
// higher, and with CRLF line ends the same answer: locations are not guessed.
#include "proxy/config/config_parser.h"
#include "tests/fuzz/fuzz_target.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

using namespace cuttle;

namespace {

// A name a fuzzed directive is unlikely to spell, so renumbering it below
// never touches text that merely looks like a location.
const std::string kMainName = "main-fz7q.conf";

// The include directory, made once per process and removed at exit.
class IncludeDir {
 public:
  IncludeDir() {
    char pattern[] = "/tmp/cuttle-fuzz-config-XXXXXX";
    if (!mkdtemp(pattern)) std::abort();
    path_ = pattern;
    write("peers.conf", "cache_peer 127.0.0.1 parent 3129 3130 carp weight=2\ncache_peer 127.0.0.2 sibling 3128 3130 proxy-only\n");
    write("acls.conf", "acl lan src 127.0.0.0/8\nacl site dstdomain .example.com\nhttp_access allow lan\n");
    write("bad.conf", "# a comment\nnot_a_directive here\n");
    write("hosts.txt", "example.com\n.example.org\n");
  }
  ~IncludeDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  // Lines of an include file, to check the line numbers named in its errors.
  size_t lines_of(const std::string& file) const { return lines_.count(file) ? lines_.at(file) : 0; }

 private:
  void write(const std::string& name, const std::string& text) {
    std::ofstream(path_ + "/" + name) << text;
    lines_[path_ + "/" + name] = std::count(text.begin(), text.end(), '\n');
  }
  std::string path_;
  std::map<std::string, size_t> lines_;
};

const IncludeDir& include_dir() {
  static IncludeDir dir;
  return dir;
}

// Absolute paths and ".." would let `include` or an ACL value file ("quoted")
// read anything on the machine (/dev/zero never ends): not the parser's input,
// so not fuzzed. Other directives only keep their paths.
bool leaves_include_dir(std::string_view text) {
  if (text.find("..") != std::string_view::npos) return true;
  if (text.find("\"/") != std::string_view::npos || text.find("\"\\") != std::string_view::npos) return true;
  if (text.find("include") == std::string_view::npos) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '/') continue;
    if (i == 0) return true;
    char before = text[i - 1];
    if (std::isspace(static_cast<unsigned char>(before)) || before == '"' || before == '\\') return true;
  }
  return false;
}

struct Answer {
  bool ok = false;
  std::string error;  // ConfigError::what()
  std::vector<std::string> warnings;
};

Answer parse(std::string_view text) {
  Answer a;
  try {
    auto loaded = load_config_text(text, kMainName, include_dir().path());
    FUZZ_CHECK(loaded.config != nullptr);
    a.ok = true;
    a.warnings = std::move(loaded.warnings);
  } catch (const ConfigError& e) {
    a.error = e.what();
  }
  // Anything else escaping (std::out_of_range, std::invalid_argument...) ends the
  // process: libFuzzer reports it as a crash, with the exception's name.
  return a;
}

size_t line_count(std::string_view text) {
  return std::count(text.begin(), text.end(), '\n') + (text.empty() || text.back() == '\n' ? 0 : 1);
}

// "file:line: ..." with the line inside the file, or "main:" for whole-file checks.
void check_location(const std::string& message, size_t main_lines) {
  auto colon = message.find(':');
  FUZZ_CHECK(colon != std::string::npos && colon > 0);
  std::string file = message.substr(0, colon);
  size_t lines = file == kMainName ? main_lines : include_dir().lines_of(file);
  FUZZ_CHECK(file == kMainName || lines > 0);
  size_t i = colon + 1;
  size_t line = 0;
  bool digits = false;
  while (i < message.size() && std::isdigit(static_cast<unsigned char>(message[i])) && line < 1'000'000'000) {
    line = line * 10 + (message[i++] - '0');
    digits = true;
  }
  if (!digits) {
    // Only checks of the whole file (e.g. no http_port) name no line.
    FUZZ_CHECK(file == kMainName && message.compare(colon, 2, ": ") == 0);
    return;
  }
  FUZZ_CHECK(i < message.size() && message[i] == ':');
  FUZZ_CHECK(line >= 1 && line <= lines);
}

// Every "main:N" in `message` as "main:N+1".
std::string shifted(const std::string& message) {
  std::string out;
  const std::string needle = kMainName + ":";
  size_t pos = 0;
  while (true) {
    auto at = message.find(needle, pos);
    if (at == std::string::npos) break;
    at += needle.size();
    out.append(message, pos, at - pos);
    size_t end = at;
    while (end < message.size() && std::isdigit(static_cast<unsigned char>(message[end]))) ++end;
    if (end > at && end - at < 10) out += std::to_string(std::stoul(message.substr(at, end - at)) + 1);
    else out.append(message, at, end - at);
    pos = end;
  }
  out.append(message, pos);
  return out;
}

bool same(const Answer& a, const Answer& b) { return a.ok == b.ok && a.error == b.error && a.warnings == b.warnings; }

}  // namespace

CUTTLE_FUZZ_TARGET(config_parser) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (size > 4096 || leaves_include_dir(text) || text.find(kMainName) != std::string_view::npos) return 0;
  // A NUL ends a C path in glob(); such names mean nothing in a real file either.
  if (text.find('\0') != std::string_view::npos) return 0;

  const Answer answer = parse(text);
  const size_t lines = line_count(text);
  if (!answer.ok) check_location(answer.error, lines);
  for (const auto& w : answer.warnings) {
    check_location(w, lines);
    FUZZ_CHECK(w.find(": warning: ") != std::string::npos);
  }

  Answer renumbered = parse("# one more line\n" + std::string(text));
  Answer expected = answer;
  expected.error = shifted(answer.error);
  for (auto& w : expected.warnings) w = shifted(w);
  FUZZ_CHECK(same(renumbered, expected));

  if (text.find('\r') == std::string_view::npos) {
    std::string crlf;
    for (char c : text) {
      if (c == '\n') crlf += '\r';
      crlf += c;
    }
    FUZZ_CHECK(same(parse(crlf), answer));
  }
  return 0;
}
