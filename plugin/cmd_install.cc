#include "plugin/cmd_install.h"

#include <ostream>

#include "core/kube_version.h"
#include "kube/base64.h"
#include "plugin/acquire.h"
#include "plugin/cmd_check.h"
#include "plugin/embedded_manifests.h"
#include "plugin/self_signed.h"

namespace aksarc::plugin {
namespace {

// matchConditions are beta (on by default) from 1.28 and GA in 1.30; older API servers reject
// webhook configurations that carry them.
constexpr int kMatchConditionsMinor = 28;

Result<KubeVersion> cluster_version(const InstallOptions& install, const GlobalOptions& options) {
  if (!install.kubernetes_version.empty()) {
    std::optional<KubeVersion> v = parse_kube_version(install.kubernetes_version);
    if (!v) {
      return invalid_argument("invalid --kubernetes-version \"" + install.kubernetes_version +
                              "\": use e.g. 1.31 or v1.31.10");
    }
    return *v;
  }
  Result<std::unique_ptr<kube::KubeClient>> client = connect(options, std::nullopt);
  if (!client.ok()) {
    return Error{client.error().code,
                 client.error().message + " (or give the version with --kubernetes-version)"};
  }
  Result<json> body = client.value()->get_json("/version");
  if (!body.ok()) {
    return Error{body.error().code, "cannot read the cluster's version: " + body.error().message +
                                        " (or give it with --kubernetes-version)"};
  }
  std::optional<KubeVersion> v = parse_kube_version(string_member(body.value(), "gitVersion"));
  if (!v) return parse_error("the cluster's /version has no readable gitVersion");
  return *v;
}

// kustomize prints the placeholders quoted and real base64 bare: replace the quotes too.
void fill(std::string& text, std::string_view placeholder, const std::string& value) {
  const std::string quoted = "'" + std::string(placeholder) + "'";
  const std::string encoded = kube::base64_encode(value);
  for (size_t at = text.find(quoted); at != std::string::npos;
       at = text.find(quoted, at + encoded.size())) {
    text.replace(at, quoted.size(), encoded);
  }
}

}  // namespace

int run_install(const InstallOptions& install, const GlobalOptions& options, std::ostream& out,
                std::ostream& err) {
  if (install.mode != "warn" && install.mode != "enforce") {
    err << "error: --mode must be warn or enforce\n";
    return kExitCannotRun;
  }
  if (install.cert_manager && !install.certs_dir.empty()) {
    err << "error: --certs-dir is for the self-signed certificate; cert-manager makes its own\n";
    return kExitCannotRun;
  }
  Result<KubeVersion> version = cluster_version(install, options);
  if (!version.ok()) {
    err << "error: " << version.error().message << "\n";
    return kExitCannotRun;
  }
  ManifestVariant variant{
      install.mode == "warn", install.cert_manager,
      version.value().major > 1 || version.value().minor >= kMatchConditionsMinor};
  std::string text(rendered_manifest(variant));
  if (!install.cert_manager) {
    Result<WebhookCertificates> certs = load_or_create_certificates(install.certs_dir);
    if (!certs.ok()) {
      err << "error: " << certs.error().message << "\n";
      return kExitCannotRun;
    }
    fill(text, "@CA_CRT@", certs.value().ca_crt);
    fill(text, "@TLS_CRT@", certs.value().tls_crt);
    fill(text, "@TLS_KEY@", certs.value().tls_key);
    if (install.certs_dir.empty()) {
      err << "note: the CA's key is not kept; to renew the certificate later with the same CA, "
             "install with --certs-dir DIR\n";
    }
  }
  err << "# aksarc-support webhook, " << variant_name(variant) << " (Kubernetes "
      << version.value().minor_string() << "): pipe into kubectl apply -f -\n";
  out << text;
  return 0;
}

}  // namespace aksarc::plugin
