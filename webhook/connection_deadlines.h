#pragma once
// Deadlines for whole phases of a TLS connection, enforced by a watchdog thread.
//
// Why: httplib's timeouts apply to each read, so a client that sends one byte just inside every
// read timeout would hold a worker thread forever (each connection owns one). Here a watchdog
// shuts the socket down once a phase overruns its budget:
//   TLS handshake                                      read timeout
//   handshake done -> first request headers            read timeout
//   response sent -> next request headers              idle timeout + read timeout
//   headers read -> body read                          read timeout
//   handler running -> response sent                   none (our own work)
// The shutdown makes httplib's pending read fail; httplib then frees the SSL and closes the
// socket as for any broken connection. The watchdog checks every 250 ms, so a deadline is
// enforced up to that much late.
//
// Connections are found through OpenSSL callbacks: an info callback on the SSL_CTX starts
// tracking at the handshake, and an ex-data slot whose free callback forgets the connection when
// httplib frees the SSL, before it closes the socket, so a shut-down descriptor is always still
// this connection's (never one the kernel has handed to a newer connection).
//
// Thread-safety: every member function may be called from any thread (the marks run on the
// server's worker threads, the OpenSSL callbacks during handshakes and SSL_free). install() must
// finish before the SSL_CTX is used for a handshake. This object must outlive every SSL_CTX it is
// installed on and every SSL made from them.

#include <openssl/ssl.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace aksarc::webhook {

class ConnectionDeadlines {
 public:
  // Starts the watchdog thread; `read` and `idle` are the server's read and keep-alive timeouts.
  ConnectionDeadlines(std::chrono::seconds read, std::chrono::seconds idle);
  // Stops and joins the watchdog.
  ~ConnectionDeadlines();
  ConnectionDeadlines(const ConnectionDeadlines&) = delete;
  ConnectionDeadlines& operator=(const ConnectionDeadlines&) = delete;

  // Sets the callbacks on `ctx` so that its connections are tracked from their handshake on.
  // Returns false if OpenSSL refused the ex-data slot (the connections would go untracked).
  bool install(SSL_CTX& ctx);

  // Marks the phase a connection has reached; each restarts its deadline from now. A null or
  // untracked `ssl` is ignored.
  void headers_read(const SSL* ssl) { set(ssl, read_); }
  void handler_running(const SSL* ssl) { set(ssl, Clock::duration::max()); }
  void response_sent(const SSL* ssl) { set(ssl, idle_ + read_); }

  // The connection the calling worker thread is serving (its TLS handshake ran on this thread),
  // or null. For answers httplib gives before it has told us the connection.
  static SSL* current_connection();

 private:
  using Clock = std::chrono::steady_clock;
  struct Entry {
    int fd = -1;
    Clock::time_point deadline = Clock::time_point::max();
  };

  static int ssl_index();
  static int ctx_index();
  static void on_info(const SSL* ssl, int where, int ret);
  static void on_free(void* parent, void* owner, CRYPTO_EX_DATA* ad, int index, long argl,
                      void* argp);

  void track(const SSL* ssl);
  void set(const SSL* ssl, Clock::duration budget);
  void watch();

  const Clock::duration read_;
  const Clock::duration idle_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::unordered_map<const SSL*, Entry> conns_;
  std::thread watchdog_;  // last: starts after the members it uses exist
};

}  // namespace aksarc::webhook
