// A scripted ICP peer for integration tests: a UDP socket on a loopback address,
// read by its own thread, that answers each QUERY as the test's script says (an
// opcode, the options and option data of the reply, after a delay) or reads and
// drops it. It records the flags of every query it got.
#pragma once

#include "icp/message.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace cuttle::testing {

struct IcpAnswer {
  std::optional<icp::Opcode> opcode;  // nothing: drop the query, answer nothing
  uint32_t options = 0;               // e.g. icp::kFlagSrcRtt
  uint32_t option_data = 0;           // e.g. the RTT to the origin in the low 16 bits
  std::chrono::milliseconds delay{0};
};

class ScriptedIcpPeer {
 public:
  using Script = std::function<IcpAnswer(const icp::Message& query)>;

  explicit ScriptedIcpPeer(Script script, const std::string& address = "127.0.0.1");
  // Answers every query with `opcode` at once.
  explicit ScriptedIcpPeer(icp::Opcode opcode, const std::string& address = "127.0.0.1");
  ~ScriptedIcpPeer();
  ScriptedIcpPeer(const ScriptedIcpPeer&) = delete;
  ScriptedIcpPeer& operator=(const ScriptedIcpPeer&) = delete;

  // A peer that reads every query and never answers.
  static ScriptedIcpPeer silent(const std::string& address = "127.0.0.1");

  unsigned short port() const { return port_; }
  size_t queries() const;
  std::vector<uint32_t> query_flags() const;  // the options field of each query, in order

 private:
  void run();

  Script script_;
  int fd_ = -1;
  unsigned short port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::vector<uint32_t> flags_;
  std::thread thread_;
};

}  // namespace cuttle::testing
