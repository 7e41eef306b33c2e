#include "webhook/policy_store.h"

#include <utility>

#include "webhook/file_watcher.h"

namespace aksarc::webhook {
namespace {

constexpr size_t kMaxConfigBytes = size_t{1024} * 1024;

}  // namespace

PolicyStore::PolicyStore(PolicySettings settings, PolicyConfig defaults,
                         std::shared_ptr<const PolicyData> data)
    : settings_(std::move(settings)), defaults_(std::move(defaults)), data_(std::move(data)) {}

Result<std::unique_ptr<PolicyStore>> PolicyStore::create(PolicySettings settings) {
  auto defaults = default_policy_config();
  if (!defaults.ok())
    return Error{ErrorCode::kInternal, "embedded default policy: " + defaults.error().message};
  auto data = load_embedded_policy_data();
  if (!data.ok())
    return Error{ErrorCode::kInternal, "embedded policy data: " + data.error().message};
  std::unique_ptr<PolicyStore> store(
      new PolicyStore(std::move(settings), std::move(defaults).value(), std::move(data).value()));
  auto config = store->read_config();
  if (!config.ok()) return config.error();
  store->install(std::move(config).value());
  return store;
}

std::shared_ptr<const Policy> PolicyStore::current() const {
  std::lock_guard lock(mu_);
  return policy_;
}

Status PolicyStore::reload() {
  auto config = read_config();
  if (!config.ok()) return config.error();
  install(std::move(config).value());
  return {};
}

bool PolicyStore::version_configured() const {
  std::lock_guard lock(update_mu_);
  return config_.cluster_version.has_value();
}

void PolicyStore::set_discovered_version(KubeVersion version) {
  std::lock_guard update(update_mu_);
  discovered_ = version;
  publish(Policy::create(config_, data_, discovered_));
}

Result<PolicyConfig> PolicyStore::read_config() const {
  PolicyConfig config = defaults_;
  if (!settings_.config_file.empty()) {
    auto text = read_small_file(settings_.config_file, kMaxConfigBytes);
    if (!text.ok()) return io_error("cannot read configuration " + text.error().message);
    auto parsed = parse_policy_config(text.value(), defaults_);
    if (!parsed.ok()) {
      return Error{parsed.error().code, "invalid configuration " + settings_.config_file + ": " +
                                            parsed.error().message};
    }
    config = std::move(parsed).value();
  }
  if (settings_.version_override) config.cluster_version = settings_.version_override;
  return config;
}

// Writers are serialized by update_mu_; the policy is built outside mu_, so readers wait only for
// the pointer swap.
void PolicyStore::install(PolicyConfig config) {
  std::lock_guard update(update_mu_);
  config_ = std::move(config);
  publish(Policy::create(config_, data_, discovered_));
}

void PolicyStore::publish(std::shared_ptr<const Policy> policy) {
  std::lock_guard lock(mu_);
  policy_ = std::move(policy);
}

}  // namespace aksarc::webhook
