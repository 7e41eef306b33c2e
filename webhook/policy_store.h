#pragma once
// The Policy in force, rebuilt when the configuration file changes. Readers take a shared_ptr to
// an immutable Policy, so a reload never disturbs a decision in progress.
//
// Cluster version, first match wins: --cluster-version, the file's clusterVersion, the version
// the API server reported at start-up (set_discovered_version), else the data's newest minor.
//
// Thread-safe: current() may run on any thread while another reloads.

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/policy.h"
#include "core/result.h"

namespace aksarc::webhook {

struct PolicySettings {
  std::string config_file;                      // empty: the embedded defaults only
  std::optional<KubeVersion> version_override;  // --cluster-version
};

class PolicyStore {
 public:
  // Loads the embedded data and defaults and the configuration file. Errors: unreadable file,
  // invalid YAML or configuration (the message names the file and the key), broken embedded data.
  static Result<std::unique_ptr<PolicyStore>> create(PolicySettings settings);

  // The policy in force; never null.
  std::shared_ptr<const Policy> current() const;

  // Re-reads the configuration file. On error the policy in force stays, and the error is
  // returned for the caller to log; the store does not log.
  Status reload();

  // True when the cluster version comes from the flag or the file (no need to ask the API server).
  bool version_configured() const;

  // Rebuilds the policy with the version the API server reported.
  void set_discovered_version(KubeVersion version);

 private:
  PolicyStore(PolicySettings settings, PolicyConfig defaults,
              std::shared_ptr<const PolicyData> data);
  Result<PolicyConfig> read_config() const;
  void install(PolicyConfig config);
  void publish(std::shared_ptr<const Policy> policy);

  const PolicySettings settings_;
  const PolicyConfig defaults_;
  const std::shared_ptr<const PolicyData> data_;
  mutable std::mutex update_mu_;  // guards config_ and discovered_; held while rebuilding
  PolicyConfig config_;           // the last good configuration (with the override applied)
  std::optional<KubeVersion> discovered_;
  mutable std::mutex mu_;  // guards policy_ only: readers never wait for a rebuild
  std::shared_ptr<const Policy> policy_;
};

}  // namespace aksarc::webhook
