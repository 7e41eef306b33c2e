#pragma once
// Hot reload: a thread polls the certificate, key, client-CA and configuration files every
// interval (or at once when asked, on SIGHUP) and reloads what changed into the stores. A failed
// reload is logged and counted; the last good state stays until the file changes again.
//
// Every reload, good or bad, counts in the reload metric under "certificate", "client_ca" or
// "config" and logs one line: "reloaded <what>" (info) or "reload failed; keeping the last good
// <what>" (error), with the file.
//
// Thread-safety: poll_now() may be called from any thread; start() and stop() from the thread
// that owns the Reloader.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "core/result.h"
#include "webhook/decision_log.h"
#include "webhook/file_watcher.h"
#include "webhook/metrics.h"
#include "webhook/policy_store.h"
#include "webhook/tls_store.h"

namespace aksarc::webhook {

// How log lines describe a certificate; the start-up "listening" line uses the same fields.
LogFields cert_fields(const CertificateInfo& info);

// The files to watch. Create them before the stores first read the files, so a change in between
// is seen (and reloaded once more) rather than missed.
struct WatchedFiles {
  // An empty client_ca_file or config_file is not configured, so not watched.
  WatchedFiles(const std::string& cert_file, const std::string& key_file,
               const std::string& client_ca_file, const std::string& config_file);

  FileWatcher cert, key;
  std::optional<FileWatcher> ca, config;
};

class Reloader {
 public:
  // The stores, metrics and log must outlive the reloader.
  Reloader(WatchedFiles files, double interval_seconds, TlsStore& tls, PolicyStore& policies,
           Metrics& metrics, Log& log);
  // Stops the thread if it still runs.
  ~Reloader();
  Reloader(const Reloader&) = delete;
  Reloader& operator=(const Reloader&) = delete;

  // Starts polling on a thread of its own. Call at most once.
  void start();

  // Checks the files now instead of at the end of the interval (SIGHUP).
  void poll_now();

  // Stops polling and joins the thread; a reload in progress finishes first. Safe to call more
  // than once, and without start().
  void stop();

 private:
  void run();
  void check_all();
  void reload_certificate();
  void report(std::string_view what, const std::string& file, const Status& status,
              LogFields details = LogFields::object());

  WatchedFiles files_;  // used by the polling thread only
  const std::chrono::duration<double> interval_;
  TlsStore& tls_;
  PolicyStore& policies_;
  Metrics& metrics_;
  Log& log_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool poke_ = false;  // poll_now() was called
  std::thread thread_;
};

}  // namespace aksarc::webhook
