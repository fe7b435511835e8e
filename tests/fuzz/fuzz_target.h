// What every fuzz target shares. A target body is written once and compiled two
// ways: as libFuzzer's entry point (clang, -DCUTTLE_FUZZ) and as a plain function
// the corpus-replay unit test calls (any compiler, -DCUTTLE_FUZZ_REPLAY), so an
// input that once broke an invariant is re-checked by every CI run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#ifdef CUTTLE_FUZZ_REPLAY
#define CUTTLE_FUZZ_TARGET(name) int cuttle_fuzz_##name(const uint8_t* data, size_t size)
#else
#define CUTTLE_FUZZ_TARGET(name) extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
#endif

namespace cuttle::fuzz {

// Which input is running, named in the message of a failed check (the replay test sets it).
inline std::string& current_input() {
  static std::string name = "(libFuzzer input)";
  return name;
}

[[noreturn]] inline void invariant_failed(const char* file, int line, const char* what) {
  std::fprintf(stderr, "%s:%d: invariant failed: %s (input: %s)\n", file, line, what, current_input().c_str());
  std::abort();  // libFuzzer saves the input as a crash; the replay test dies loudly
}

// Reads a fuzz input as a sequence of values: fixed-size integers, and byte
// strings cut at a separator, so one input can carry several header values.
class InputReader {
 public:
  InputReader(const uint8_t* data, size_t size) : in_(reinterpret_cast<const char*>(data), size) {}

  bool empty() const { return in_.empty(); }
  std::string_view rest() const { return in_; }

  uint64_t integer(int bytes) {
    uint64_t v = 0;
    for (int i = 0; i < bytes && !in_.empty(); ++i) {
      v |= static_cast<uint64_t>(static_cast<uint8_t>(in_.front())) << (8 * i);
      in_.remove_prefix(1);
    }
    return v;
  }
  // Up to the next '\n' (dropped); everything left when there is none.
  std::string_view line() {
    auto end = in_.find('\n');
    auto out = in_.substr(0, end);
    in_.remove_prefix(end == std::string_view::npos ? in_.size() : end + 1);
    return out;
  }

 private:
  std::string_view in_;
};

}  // namespace cuttle::fuzz

#define FUZZ_CHECK(condition) \
  ((condition) ? void(0) : ::cuttle::fuzz::invariant_failed(__FILE__, __LINE__, #condition))
