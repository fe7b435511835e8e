// Replays every seed and regression input in tests/fuzz/corpus/ through the
// fuzz targets, compiled here as plain functions (CUTTLE_FUZZ_REPLAY): the
// normal build re-checks every invariant on every input that ever broke one,
// without clang or libFuzzer. A broken invariant aborts, naming the input.
#include "tests/fuzz/fuzz_target.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

int cuttle_fuzz_icp_decode(const uint8_t* data, size_t size);
int cuttle_fuzz_config_parser(const uint8_t* data, size_t size);
int cuttle_fuzz_http_request(const uint8_t* data, size_t size);
int cuttle_fuzz_http_conditionals(const uint8_t* data, size_t size);
int cuttle_fuzz_store_record(const uint8_t* data, size_t size);
int cuttle_fuzz_helper_reply(const uint8_t* data, size_t size);
int cuttle_fuzz_logformat(const uint8_t* data, size_t size);
int cuttle_fuzz_error_page(const uint8_t* data, size_t size);
int cuttle_fuzz_store_log(const uint8_t* data, size_t size);
int cuttle_fuzz_dns_answer(const uint8_t* data, size_t size);
int cuttle_fuzz_log_destination(const uint8_t* data, size_t size);
int cuttle_fuzz_proxy_protocol(const uint8_t* data, size_t size);
int cuttle_fuzz_tls_client_hello(const uint8_t* data, size_t size);

namespace {

namespace fs = std::filesystem;
using Target = int (*)(const uint8_t*, size_t);

// Runs every file of corpus/<name>/; returns how many there were.
size_t replay(const std::string& name, Target target) {
  fs::path dir = fs::path(CUTTLE_FUZZ_CORPUS_DIR) / name;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.is_regular_file()) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    cuttle::fuzz::current_input() = file.string();
    EXPECT_EQ(target(bytes.data(), bytes.size()), 0) << file;
  }
  cuttle::fuzz::current_input() = "(none)";
  return files.size();
}

TEST(FuzzCorpus, IcpDecode) { EXPECT_GT(replay("icp_decode", cuttle_fuzz_icp_decode), 0u); }
TEST(FuzzCorpus, ConfigParser) { EXPECT_GT(replay("config_parser", cuttle_fuzz_config_parser), 0u); }
TEST(FuzzCorpus, HttpRequest) { EXPECT_GT(replay("http_request", cuttle_fuzz_http_request), 0u); }
TEST(FuzzCorpus, HttpConditionals) { EXPECT_GT(replay("http_conditionals", cuttle_fuzz_http_conditionals), 0u); }
TEST(FuzzCorpus, StoreRecord) { EXPECT_GT(replay("store_record", cuttle_fuzz_store_record), 0u); }
TEST(FuzzCorpus, HelperReply) { EXPECT_GT(replay("helper_reply", cuttle_fuzz_helper_reply), 0u); }
TEST(FuzzCorpus, Logformat) { EXPECT_GT(replay("logformat", cuttle_fuzz_logformat), 0u); }
TEST(FuzzCorpus, ErrorPage) { EXPECT_GT(replay("error_page", cuttle_fuzz_error_page), 0u); }
TEST(FuzzCorpus, StoreLog) { EXPECT_GT(replay("store_log", cuttle_fuzz_store_log), 0u); }
TEST(FuzzCorpus, DnsAnswer) { EXPECT_GT(replay("dns_answer", cuttle_fuzz_dns_answer), 0u); }
TEST(FuzzCorpus, LogDestination) { EXPECT_GT(replay("log_destination", cuttle_fuzz_log_destination), 0u); }
TEST(FuzzCorpus, ProxyProtocol) { EXPECT_GT(replay("proxy_protocol", cuttle_fuzz_proxy_protocol), 0u); }
TEST(FuzzCorpus, TlsClientHello) { EXPECT_GT(replay("tls_client_hello", cuttle_fuzz_tls_client_hello), 0u); }

}  // namespace
