#include "tests/load/load_content.h"

#include <charconv>
#include <vector>

namespace cuttle::load {
namespace {

constexpr std::string_view kClassNames[] = {"hot", "miss", "same", "changing"};

std::optional<uint64_t> number(std::string_view text) {
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

const auto kStart = std::chrono::steady_clock::now();

}  // namespace

std::string ObjectSpec::path() const {
  return "/" + std::string(kClassNames[static_cast<int>(object_class)]) + "/" + std::to_string(id) + "/" +
         std::to_string(size) + "/" + (chunked ? "chunked" : "length");
}

std::optional<ObjectSpec> parse_object_path(std::string_view path) {
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    if (path.front() != '/') return std::nullopt;
    path.remove_prefix(1);
    auto slash = path.find('/');
    parts.push_back(path.substr(0, slash));
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
  }
  if (parts.size() != 4) return std::nullopt;
  ObjectSpec spec;
  bool known = false;
  for (int i = 0; i < 4; ++i)
    if (parts[0] == kClassNames[i]) {
      spec.object_class = static_cast<ObjectClass>(i);
      known = true;
    }
  auto id = number(parts[1]);
  auto size = number(parts[2]);
  if (!known || !id || !size || (parts[3] != "length" && parts[3] != "chunked")) return std::nullopt;
  spec.id = *id;
  spec.size = *size;
  spec.chunked = parts[3] == "chunked";
  return spec;
}

uint64_t version_at(std::chrono::steady_clock::time_point t) {
  return t < kStart ? 0 : static_cast<uint64_t>((t - kStart) / kVersionPeriod);
}

std::string etag_of(uint64_t version) { return "\"" + std::to_string(version) + "\""; }

std::optional<uint64_t> version_of_etag(std::string_view etag) {
  if (etag.size() < 3 || etag.front() != '"' || etag.back() != '"') return std::nullopt;
  return number(etag.substr(1, etag.size() - 2));
}

BodyPattern::BodyPattern() {
  table_.resize(kPeriod + kMaxRun);
  for (uint64_t i = 0; i < table_.size(); ++i) table_[i] = static_cast<char>('0' + (i % kPeriod) % 75);
}

uint64_t BodyPattern::start_of(std::string_view path, uint64_t version) {
  uint64_t hash = 1469598103934665603ull;  // FNV-1a
  for (char c : path) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return (hash + version * 1009) % kPeriod;
}

std::string_view BodyPattern::bytes(uint64_t start, uint64_t offset, uint64_t n) const {
  return std::string_view(table_).substr((start + offset) % kPeriod, n);
}

}  // namespace cuttle::load
