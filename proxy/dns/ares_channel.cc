#include "proxy/dns/ares_channel.h"

#include <arpa/nameser.h>
#include <boost/asio/post.hpp>

#include <mutex>
#include <stdexcept>

namespace cuttle::dns {
namespace {

void initialize_library_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (const int status = ares_library_init(ARES_LIB_INIT_ALL); status != ARES_SUCCESS)
      throw std::runtime_error(std::string("c-ares: ") + ares_strerror(status));
  });
}

// c-ares doubles a try's timeout after each round of the servers, as squid does;
// enough tries that they last dns_timeout.
int tries_within(const DnsConfig& config) {
  const auto servers = std::max<size_t>(1, config.nameservers.size());
  const auto first = std::max<int64_t>(1, config.retransmit.count());
  int64_t spent = 0;
  int tries = 0;
  while (spent < config.timeout.count() && tries < 64) {
    const auto shift = std::min<size_t>(20, static_cast<size_t>(tries) / servers);
    spent += first << shift;
    ++tries;
  }
  return std::max(1, tries);
}

void set_nameservers(ares_channel channel, const std::vector<std::string>& nameservers) {
  if (nameservers.empty()) return;  // resolv.conf's, read by ares_init_options
  std::string csv;
  for (const auto& server : nameservers) {
    if (!csv.empty()) csv += ',';
    csv += server.find(':') == std::string::npos ? server : "[" + server + "]";
  }
  if (const int status = ares_set_servers_csv(channel, csv.c_str()); status != ARES_SUCCESS)
    throw std::runtime_error("c-ares: cannot use dns_nameservers " + csv + ": " + ares_strerror(status));
}

}  // namespace

AresChannel::AresChannel(boost::asio::any_io_executor executor, const DnsConfig& config)
    : executor_(executor), timer_(executor) {
  initialize_library_once();
  ares_options options{};
  options.sock_state_cb = &AresChannel::on_socket_state;
  options.sock_state_cb_data = this;
  options.timeout = static_cast<int>(std::max<int64_t>(1, config.retransmit.count()));
  options.tries = tries_within(config);
  char lookups[] = "b";  // DNS only: cuttle reads hosts_file itself, as squid does
  options.lookups = lookups;
  const int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_LOOKUPS;
  if (const int status = ares_init_options(&channel_, &options, mask); status != ARES_SUCCESS)
    throw std::runtime_error(std::string("c-ares: ") + ares_strerror(status));
  try {
    set_nameservers(channel_, config.nameservers);
  } catch (...) {
    ares_destroy(channel_);
    throw;
  }
}

AresChannel::~AresChannel() {
  self_.reset();
  ares_destroy(channel_);  // answers ARES_EDESTRUCTION to every pending query, closes its sockets
  for (auto& [fd, watch] : watches_) watch->descriptor.release();
}

void AresChannel::query(const std::string& name, int type, bool search, AnswerHandler done) {
  auto* handler = new AnswerHandler(std::move(done));
  auto callback = [](void* arg, int status, int /*timeouts*/, unsigned char* answer, int length) {
    std::unique_ptr<AnswerHandler> handler(static_cast<AnswerHandler*>(arg));
    (*handler)(status, answer, length);
  };
  if (search)
    ares_search(channel_, name.c_str(), ns_c_in, type, callback, handler);
  else
    ares_query(channel_, name.c_str(), ns_c_in, type, callback, handler);
  schedule_timeout();
}

void AresChannel::name_of(const boost::asio::ip::address& address, NameHandler done) {
  auto* handler = new NameHandler(std::move(done));
  auto callback = [](void* arg, int status, int /*timeouts*/, hostent* host) {
    std::unique_ptr<NameHandler> handler(static_cast<NameHandler*>(arg));
    (*handler)(status, status == ARES_SUCCESS && host && host->h_name ? host->h_name : "");
  };
  if (address.is_v4()) {
    const auto bytes = address.to_v4().to_bytes();
    ares_gethostbyaddr(channel_, bytes.data(), static_cast<int>(bytes.size()), AF_INET, callback, handler);
  } else {
    const auto bytes = address.to_v6().to_bytes();
    ares_gethostbyaddr(channel_, bytes.data(), static_cast<int>(bytes.size()), AF_INET6, callback, handler);
  }
  schedule_timeout();
}

void AresChannel::on_socket_state(void* self, ares_socket_t fd, int readable, int writable) {
  auto* channel = static_cast<AresChannel*>(self);
  if (readable || writable)
    channel->watch(fd, readable != 0, writable != 0);
  else
    channel->forget(fd);
}

void AresChannel::watch(ares_socket_t fd, bool readable, bool writable) {
  auto& slot = watches_[fd];
  if (!slot) {
    slot = std::make_unique<Watch>(executor_, fd);
    slot->generation = ++next_generation_;
  }
  slot->want_read = readable;
  slot->want_write = writable;
  arm(fd);
}

// c-ares closes the socket itself, after telling us: Asio lets go of it first.
void AresChannel::forget(ares_socket_t fd) {
  auto it = watches_.find(fd);
  if (it == watches_.end()) return;
  it->second->descriptor.cancel();
  it->second->descriptor.release();
  watches_.erase(it);
}

void AresChannel::arm(ares_socket_t fd) {
  auto& w = *watches_.at(fd);
  auto on_ready = [weak = std::weak_ptr(self_), fd, generation = w.generation](bool for_read) {
    return [weak, fd, generation, for_read](boost::system::error_code ec) {
      auto self = weak.lock();
      if (!self) return;
      auto& channel = **self;
      auto it = channel.watches_.find(fd);
      if (it == channel.watches_.end() || it->second->generation != generation) return;
      (for_read ? it->second->reading : it->second->writing) = false;
      if (ec) return;
      channel.process(for_read ? fd : ARES_SOCKET_BAD, for_read ? ARES_SOCKET_BAD : fd);
      if (channel.watches_.count(fd)) channel.arm(fd);
    };
  };
  using boost::asio::posix::stream_descriptor;
  if (w.want_read && !w.reading) {
    w.reading = true;
    w.descriptor.async_wait(stream_descriptor::wait_read, on_ready(true));
  }
  if (w.want_write && !w.writing) {
    w.writing = true;
    w.descriptor.async_wait(stream_descriptor::wait_write, on_ready(false));
  }
}

void AresChannel::process(ares_socket_t read_fd, ares_socket_t write_fd) {
  ares_process_fd(channel_, read_fd, write_fd);
  schedule_timeout();
}

// The next retransmission or give-up time c-ares has, if it has queries.
void AresChannel::schedule_timeout() {
  timeval wait{};
  if (!ares_timeout(channel_, nullptr, &wait)) {
    timer_.cancel();
    return;
  }
  timer_.expires_after(std::chrono::seconds(wait.tv_sec) + std::chrono::microseconds(wait.tv_usec));
  timer_.async_wait([weak = std::weak_ptr(self_)](boost::system::error_code ec) {
    auto self = weak.lock();
    if (!self || ec) return;
    (*self)->process(ARES_SOCKET_BAD, ARES_SOCKET_BAD);
  });
}

// Squid's words: rfc1035ErrorMessage for a server's answer code, "Timeout" when
// none came.
std::string describe_status(int status) {
  switch (status) {
    case ARES_EFORMERR: return "Format Error: The name server was unable to interpret the query.";
    case ARES_ESERVFAIL: return "Server Failure: The name server was unable to process this query.";
    case ARES_ENOTFOUND: return "Name Error: The domain name does not exist.";
    case ARES_ENOTIMP: return "Not Implemented: The name server does not support the requested kind of query.";
    case ARES_EREFUSED: return "Refused: The name server refuses to perform the specified operation.";
    case ARES_ENODATA: return "No DNS records";
    case ARES_ETIMEOUT: return "Timeout";
    default: return ares_strerror(status);
  }
}

}  // namespace cuttle::dns
