#include "webhook/reloader.h"

#include <cstdint>
#include <utility>

namespace aksarc::webhook {

LogFields cert_fields(const CertificateInfo& info) {
  return {{"subject", info.subject},
          {"serial", info.serial},
          {"sha256", info.sha256_fingerprint},
          {"not_after", static_cast<int64_t>(info.not_after)}};
}

WatchedFiles::WatchedFiles(const std::string& cert_file, const std::string& key_file,
                           const std::string& client_ca_file, const std::string& config_file)
    : cert(cert_file), key(key_file) {
  if (!client_ca_file.empty()) ca.emplace(client_ca_file);
  if (!config_file.empty()) config.emplace(config_file);
}

Reloader::Reloader(WatchedFiles files, double interval_seconds, TlsStore& tls,
                   PolicyStore& policies, Metrics& metrics, Log& log)
    : files_(std::move(files)),
      interval_(interval_seconds),
      tls_(tls),
      policies_(policies),
      metrics_(metrics),
      log_(log) {}

Reloader::~Reloader() { stop(); }

void Reloader::start() {
  thread_ = std::thread([this] { run(); });
}

void Reloader::poll_now() {
  std::lock_guard lock(mu_);
  poke_ = true;
  cv_.notify_all();
}

void Reloader::stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

void Reloader::run() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, interval_, [this] { return stop_ || poke_; });
    if (stop_) break;
    poke_ = false;
    lock.unlock();
    check_all();
    lock.lock();
  }
}

void Reloader::check_all() {
  // Both files are always checked: a rotation may replace them one after the other.
  bool cert_changed = files_.cert.changed();
  bool key_changed = files_.key.changed();
  if (cert_changed || key_changed) reload_certificate();
  auto& ca = files_.ca;
  if (ca && ca->changed()) report("client_ca", ca->path(), tls_.reload_client_ca());
  auto& config = files_.config;
  if (config && config->changed()) {
    Status s = policies_.reload();
    report("config", config->path(), s,
           {{"cluster_version", policies_.current()->cluster_version().minor_string()}});
  }
}

void Reloader::reload_certificate() {
  auto info = tls_.reload_certificate();
  const std::string& file = files_.cert.path();
  if (!info.ok()) return report("certificate", file, info.error());
  metrics_.count_reload("certificate", true);
  metrics_.set_certificate_not_after(info.value().not_after);
  log_.info("reloaded certificate", {{"file", file}, {"certificate", cert_fields(info.value())}});
}

void Reloader::report(std::string_view what, const std::string& file, const Status& status,
                      LogFields details) {
  metrics_.count_reload(what, status.ok());
  if (status.ok()) {
    details["file"] = file;
    log_.info("reloaded " + std::string(what), details);
  } else {
    log_.error("reload failed; keeping the last good " + std::string(what),
               {{"file", file}, {"error", status.error().message}});
  }
}

}  // namespace aksarc::webhook
