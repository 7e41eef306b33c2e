#include "webhook/connection_deadlines.h"

#include <sys/socket.h>

namespace aksarc::webhook {
namespace {
// httplib serves a connection on one worker thread from its handshake to its close.
thread_local SSL* current_ssl = nullptr;
}  // namespace

SSL* ConnectionDeadlines::current_connection() { return current_ssl; }

ConnectionDeadlines::ConnectionDeadlines(std::chrono::seconds read, std::chrono::seconds idle)
    : read_(read), idle_(idle), watchdog_([this] { watch(); }) {}

ConnectionDeadlines::~ConnectionDeadlines() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  watchdog_.join();
}

bool ConnectionDeadlines::install(SSL_CTX& ctx) {
  if (ssl_index() < 0 || ctx_index() < 0) return false;
  if (SSL_CTX_set_ex_data(&ctx, ctx_index(), this) != 1) return false;
  SSL_CTX_set_info_callback(&ctx, &ConnectionDeadlines::on_info);
  return true;
}

int ConnectionDeadlines::ssl_index() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, &on_free);
  return index;
}

int ConnectionDeadlines::ctx_index() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

void ConnectionDeadlines::on_info(const SSL* ssl, int where, int) {
  auto* self =
      static_cast<ConnectionDeadlines*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), ctx_index()));
  if (!self) return;
  if (where & SSL_CB_HANDSHAKE_START) self->track(ssl);
  // A client opens a connection to send a request: the first headers get the read timeout only
  // (a slow client holding a fresh connection would otherwise keep a worker idle + read).
  if (where & SSL_CB_HANDSHAKE_DONE) self->set(ssl, self->read_);
}

void ConnectionDeadlines::on_free(void* parent, void* owner, CRYPTO_EX_DATA*, int, long, void*) {
  if (!owner) return;  // not a connection we track
  if (current_ssl == parent) current_ssl = nullptr;
  auto* self = static_cast<ConnectionDeadlines*>(owner);
  std::lock_guard lock(self->mu_);
  self->conns_.erase(static_cast<const SSL*>(parent));
}

void ConnectionDeadlines::track(const SSL* ssl) {
  // The slot only marks the SSL as ours for on_free; OpenSSL's setter is not const-qualified.
  if (SSL_set_ex_data(const_cast<SSL*>(ssl), ssl_index(), this) != 1) return;
  current_ssl = const_cast<SSL*>(ssl);
  std::lock_guard lock(mu_);
  conns_[ssl] = {SSL_get_rfd(ssl), Clock::now() + read_};
}

void ConnectionDeadlines::set(const SSL* ssl, Clock::duration budget) {
  if (!ssl) return;
  auto deadline =
      budget == Clock::duration::max() ? Clock::time_point::max() : Clock::now() + budget;
  std::lock_guard lock(mu_);
  auto it = conns_.find(ssl);
  if (it != conns_.end()) it->second.deadline = deadline;
}

void ConnectionDeadlines::watch() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, std::chrono::milliseconds(250));
    auto now = Clock::now();
    for (auto& [ssl, entry] : conns_) {
      if (entry.deadline > now || entry.fd < 0) continue;
      ::shutdown(entry.fd, SHUT_RDWR);  // httplib's read fails; it frees the SSL and closes
      entry.deadline = Clock::time_point::max();
    }
  }
}

}  // namespace aksarc::webhook
