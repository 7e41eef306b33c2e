#pragma once
// `kubectl aksarc-support install [--mode warn|enforce] [--cert-manager] [--certs-dir DIR]
// [--kubernetes-version X]`: prints the webhook's manifests for the cluster, to pipe into
// `kubectl apply -f -` (as `linkerd install` does). The variant is one of the kustomize
// renderings in manifests/rendered/: the cluster's Kubernetes version (read from /version, or
// given) decides whether the webhooks use matchConditions (1.28 and newer).

#include <iosfwd>
#include <string>

#include "plugin/global_options.h"

namespace aksarc::plugin {

struct InstallOptions {
  std::string mode = "warn";       // warn (the first step of a rollout) | enforce
  bool cert_manager = false;       // cert-manager issues the certificate, else a self-signed CA
  std::string certs_dir;           // self-signed: keep/reuse the CA and certificate here
  std::string kubernetes_version;  // else read from the cluster
};

// Returns 0 with the manifests on `out`, or 1 with a message on `err` (bad option, cluster
// unreadable without --kubernetes-version, certificate files unusable).
int run_install(const InstallOptions& install, const GlobalOptions& options, std::ostream& out,
                std::ostream& err);

}  // namespace aksarc::plugin
