// Sending raw ICP datagrams to a running proxy over loopback and reading its
// answer: what a peer (or an attacker) would send.
#pragma once

#include "icp/message.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cuttle::testing {

// Sends `datagram` to 127.0.0.1:`port` from `from_address` and waits up to
// `timeout` for one reply; nothing when none came.
std::optional<std::vector<uint8_t>> icp_exchange(unsigned short port, const std::vector<uint8_t>& datagram,
                                                 std::chrono::milliseconds timeout = std::chrono::milliseconds(500),
                                                 const std::string& from_address = "127.0.0.1");

std::vector<uint8_t> icp_query(const std::string& url, uint32_t request_number = 1, uint8_t version = 2);

// The opcode of the reply to QUERY(url), or nothing without a (well-formed) reply.
std::optional<icp::Opcode> icp_ask(unsigned short port, const std::string& url, uint32_t request_number = 1,
                                   const std::string& from_address = "127.0.0.1");

// Asks until cuttle answers `want` (its store writes are asynchronous) or 5 s pass;
// the last answer (or nothing).
std::optional<icp::Opcode> ask_until(unsigned short icp_port, const std::string& url, icp::Opcode want);

}  // namespace cuttle::testing
