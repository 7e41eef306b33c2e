#!/usr/bin/env bash
# shellcheck disable=SC2016  # the single-quoted strings are jq programs: jq expands their $vars
# Renders every kustomize overlay under manifests/ with the real `kubectl kustomize` and checks
# the structure of what would be applied; checks scripts/self-signed-certs.sh with openssl; and,
# when the webhook binary is given (or found in <repo>/build), runs it with the rendered
# configuration and the script's certificate, called by the Service's DNS name.
#
#   tests/manifests/render_test.sh <repo root> [aksarc-support-webhook binary]
#
# Needs kubectl (kustomize v5 inside), jq, openssl, curl. No cluster: YAML becomes JSON through
# `kubectl annotate --local -o json` (client-side only; it decodes every object as kubectl apply
# would, custom resources included), so no YAML tool beyond kubectl is needed.
# Prints one `ok - ...` / `not ok - ...` line per check; exits 1 if any failed.
set -euo pipefail

root=$(cd "${1:?usage: render_test.sh <repo root> [webhook binary]}" && pwd)
webhook_bin=${2:-}
if [[ -z $webhook_bin && -x $root/build/aksarc-support-webhook ]]; then
  webhook_bin=$root/build/aksarc-support-webhook
fi

failures=0
checks=0
ok() { checks=$((checks + 1)); echo "ok - $1"; }
not_ok() {
  checks=$((checks + 1))
  failures=$((failures + 1))
  echo "not ok - $1"
  [[ -z ${2:-} ]] || printf '#   %s\n' "${2//$'\n'/$'\n#   '}"
}

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

export KUBECONFIG=/dev/null  # nothing here may talk to a cluster

# YAML stream on stdin -> JSON array on stdout.
to_json() { kubectl annotate --local -f - aksarc-support-render-test- -o json | jq -s .; }

# The manifests are copied so that the self-signed overlay's generated files go to the copy.
cp -r "$root/manifests" "$work/manifests"
m=$work/manifests

# --- the self-signed script --------------------------------------------------------------------
gen=$m/overlays/self-signed/generated
rm -f "$gen"/*.crt "$gen"/*.key "$gen"/*.yaml  # start from nothing, whatever the tree holds
service_names=(aksarc-support-webhook aksarc-support-webhook.aksarc-support
  aksarc-support-webhook.aksarc-support.svc aksarc-support-webhook.aksarc-support.svc.cluster.local)
if bash "$root/scripts/self-signed-certs.sh" "$gen" 2>"$work/certs.err"; then
  ok "self-signed-certs.sh writes the CA, the serving certificate and the Secret"
else
  not_ok "self-signed-certs.sh writes the CA, the serving certificate and the Secret" \
    "$(cat "$work/certs.err")"
fi
for name in "${service_names[@]}"; do
  if out=$(openssl verify -CAfile "$gen/ca.crt" -verify_hostname "$name" -purpose sslserver \
    "$gen/tls.crt" 2>&1); then
    ok "serving certificate verifies against the CA for $name"
  else
    not_ok "serving certificate verifies against the CA for $name" "$out"
  fi
done
if openssl verify -CAfile "$gen/ca.crt" -verify_hostname aksarc-support-webhook.default.svc \
  "$gen/tls.crt" >/dev/null 2>&1; then
  not_ok "serving certificate does not verify for another Service name"
else
  ok "serving certificate does not verify for another Service name"
fi
if [[ $(openssl x509 -in "$gen/tls.crt" -noout -pubkey 2>&1) == \
  "$(openssl pkey -in "$gen/tls.key" -pubout 2>&1)" ]]; then
  ok "tls.key is the serving certificate's key"
else
  not_ok "tls.key is the serving certificate's key"
fi
if [[ $(stat -c %a "$gen/tls.key") == 600 && $(stat -c %a "$gen/ca.key") == 600 ]]; then
  ok "private keys are written mode 0600"
else
  not_ok "private keys are written mode 0600" "$(stat -c '%a %n' "$gen"/*.key)"
fi
cp "$gen/ca.crt" "$work/ca.first" && cp "$gen/tls.crt" "$work/tls.first"
bash "$root/scripts/self-signed-certs.sh" "$gen" 2>/dev/null || true
if cmp -s "$gen/ca.crt" "$work/ca.first" && ! cmp -s "$gen/tls.crt" "$work/tls.first" &&
  openssl verify -CAfile "$gen/ca.crt" "$gen/tls.crt" >/dev/null 2>&1; then
  ok "a second run keeps the CA and issues a new serving certificate"
else
  not_ok "a second run keeps the CA and issues a new serving certificate"
fi
if bash "$root/scripts/self-signed-certs.sh" >/dev/null 2>&1; then
  not_ok "self-signed-certs.sh without an output directory is a usage error"
else
  ok "self-signed-certs.sh without an output directory is a usage error"
fi
secret_json=$(to_json <"$gen/tls-secret.yaml" 2>&1) || true
if jq -e --arg ca "$(base64 -w0 <"$gen/ca.crt")" --arg crt "$(base64 -w0 <"$gen/tls.crt")" '
    .[0] | .kind == "Secret" and .type == "kubernetes.io/tls"
    and .metadata.name == "aksarc-support-webhook-tls" and .metadata.namespace == "aksarc-support"
    and .data["ca.crt"] == $ca and .data["tls.crt"] == $crt and (.data["tls.key"] | length > 0)' \
  <<<"$secret_json" >/dev/null 2>&1; then
  ok "tls-secret.yaml is a kubernetes.io/tls Secret holding the CA, certificate and key"
else
  not_ok "tls-secret.yaml is a kubernetes.io/tls Secret holding the CA, certificate and key" \
    "$secret_json"
fi

# --- rendering ---------------------------------------------------------------------------------
overlays=(cert-manager self-signed warn enforce no-match-conditions)
rendered=()
for o in base "${overlays[@]}"; do
  dir=$m/overlays/$o
  [[ $o != base ]] || dir=$m/base
  if ! kubectl kustomize "$dir" >"$work/$o.yaml" 2>"$work/$o.err"; then
    not_ok "kubectl kustomize renders $o" "$(cat "$work/$o.err")"
    continue
  fi
  if to_json <"$work/$o.yaml" >"$work/$o.json" 2>"$work/$o.err"; then
    ok "kubectl kustomize renders $o and kubectl decodes every object"
    [[ $o == base ]] || rendered+=("$o")
  else
    not_ok "kubectl decodes every object rendered for $o" "$(cat "$work/$o.err")"
  fi
done

# jq helpers over one rendered overlay (a JSON array of objects).
# Every helper reads the whole rendered list through $top, so it means the same wherever it is
# used inside a filter.
read -r -d '' defs <<'JQ' || true
. as $top |
def objs(k): $top[] | select(.kind == k);
def one(k): [objs(k)][0];
def dep: one("Deployment");
def pod: dep.spec.template.spec;
def podlabels: dep.spec.template.metadata.labels;
def selects(sel): . as $l | sel as $s | ($s | to_entries | length > 0)
  and all($s | to_entries[]; $l[.key] == .value);
def container: pod.containers[0];
def vwc: one("ValidatingWebhookConfiguration");
def hooks: vwc.webhooks[];
def cm: objs("ConfigMap") | select(.metadata.name == "aksarc-support-webhook-config");
def arg(f): f as $f | [container.args[] | select(startswith("--" + $f + "=")) | sub("^[^=]*="; "")][0];
def mount_dir(file): file as $f | [container.volumeMounts[]
  | (.mountPath + "/") as $dir
  | select($f != null and ($f | startswith($dir)) and ($f | ltrimstr($dir) | contains("/") | not))]
  | .[0];
def volume(name): name as $n | [pod.volumes[] | select(.name == $n)][0];
def port_number(p): p as $p | if ($p | type) == "number" then $p
  else [container.ports[] | select(.name == $p) | .containerPort][0] end;
def webhook_port: arg("port") | tonumber;
def sysns: cm.data["policy.yaml"] | [capture("systemNamespaces:\\n(?<l>(\\s+- \\S+\\n)+)").l
  | scan("- (\\S+)") | .[0]];
def selector_values(h; op): op as $op | [h.namespaceSelector.matchExpressions[]?
  | select(.key == "kubernetes.io/metadata.name" and .operator == $op) | .values[]];
def expressions: [hooks.matchConditions[]?.expression] | join("\n");
JQ

# check OVERLAY DESCRIPTION JQ_FILTER [jq args...]: ok when the filter is true.
check() {
  local o=$1 desc=$2 filter=$3
  shift 3
  local out
  if out=$(jq -e "$@" "$defs $filter" "$work/$o.json" 2>&1); then
    ok "$o: $desc"
  else
    not_ok "$o: $desc" "$out"
  fi
}

actors_cc=$root/core/actors.cc
# The control-plane users core/actors.cc exempts: its kControlPlaneUsers array.
control_plane_users=$(sed -n '/kControlPlaneUsers\[\] = {/,/};/p' "$actors_cc" |
  grep -o '"system:[a-z-]*"' | tr -d '"' | jq -R . | jq -s -c .)

for o in "${rendered[@]}"; do
  # Deployment and pod
  check "$o" "one Deployment, at least 2 replicas, no unavailable replica during rollouts" \
    '[dep] | length == 1 and .[0].spec.replicas >= 2
     and .[0].spec.strategy.rollingUpdate.maxUnavailable == 0'
  check "$o" "Deployment selector matches its pod labels" \
    'podlabels | selects(dep.spec.selector.matchLabels)'
  check "$o" "topology spread across nodes selects the webhook's pods" \
    '[pod.topologySpreadConstraints[]?
      | select(.topologyKey == "kubernetes.io/hostname" and .maxSkew == 1)
      | .labelSelector.matchLabels as $s | select(podlabels | selects($s))] | length >= 1'
  check "$o" "priorityClassName system-cluster-critical" \
    'pod.priorityClassName == "system-cluster-critical"'
  check "$o" "pod runs as a numeric non-root user with seccomp RuntimeDefault" \
    'pod.securityContext as $s | $s.runAsNonRoot == true and ($s.runAsUser | type == "number")
     and $s.runAsUser > 0 and $s.seccompProfile.type == "RuntimeDefault"'
  check "$o" "every container: restricted securityContext (no escalation, read-only root, drop ALL)" \
    '[pod.containers[], (pod.initContainers // [])[]] | length >= 1 and all(.[];
      .securityContext.allowPrivilegeEscalation == false
      and .securityContext.readOnlyRootFilesystem == true
      and .securityContext.capabilities.drop == ["ALL"]
      and ((.securityContext.capabilities.add // []) | length == 0)
      and (.securityContext.privileged // false) == false
      and (.securityContext.runAsUser // 1) > 0)'
  check "$o" "no host namespaces or host paths" \
    'pod | (.hostNetwork // false) == false and (.hostPID // false) == false
     and (.hostIPC // false) == false and all(.volumes[]; has("hostPath") | not)'
  check "$o" "every container has CPU and memory requests and limits" \
    'all(pod.containers[]; .resources.requests.cpu and .resources.requests.memory
      and .resources.limits.cpu and .resources.limits.memory)'
  check "$o" "readiness probe GET /readyz and liveness probe GET /healthz over HTTPS on the webhook port" \
    'container as $c | port_number($c.readinessProbe.httpGet.port) == webhook_port
     and port_number($c.livenessProbe.httpGet.port) == webhook_port
     and $c.readinessProbe.httpGet.scheme == "HTTPS" and $c.readinessProbe.httpGet.path == "/readyz"
     and $c.livenessProbe.httpGet.scheme == "HTTPS" and $c.livenessProbe.httpGet.path == "/healthz"'
  check "$o" "--port is the container port named https" \
    'port_number("https") == webhook_port'
  check "$o" "image is the published image, from the kustomize images variable" \
    'container.image | test("^ghcr\\.io/aksarc-support/aksarc-support-webhook:[0-9]+\\.[0-9]+\\.[0-9]+$")'
  # ConfigMap and Secret mounted as directories (subPath mounts are never updated by the kubelet,
  # so neither certificate rotation nor configuration edits would reach the webhook).
  check "$o" "no volume is mounted with subPath" \
    'all(pod.containers[].volumeMounts[]; has("subPath") or has("subPathExpr") | not)'
  check "$o" "--config is a file directly inside the mounted ConfigMap directory" \
    'mount_dir(arg("config")) as $mt | $mt != null and $mt.readOnly == true
     and volume($mt.name).configMap.name == "aksarc-support-webhook-config"
     and ((arg("config") | split("/") | last) as $f | cm.data | has($f))'
  check "$o" "--tls-cert-file and --tls-private-key-file are inside the mounted TLS Secret directory" \
    'mount_dir(arg("tls-cert-file")) as $c | mount_dir(arg("tls-private-key-file")) as $k
     | $c != null and $c.name == $k.name and $c.readOnly == true
     and volume($c.name).secret.secretName == "aksarc-support-webhook-tls"
     and (arg("tls-cert-file") | endswith("/tls.crt"))
     and (arg("tls-private-key-file") | endswith("/tls.key"))'
  check "$o" "the TLS Secret volume is not readable by other users (defaultMode has no o+r)" \
    'mount_dir(arg("tls-cert-file")).name as $n | volume($n).secret.defaultMode as $m
     | ($m | type) == "number" and ($m % 8) == 0'
  check "$o" "the service account has no RBAC (GET /version needs none)" \
    '([objs("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding")] | length == 0)
     and ([objs("ServiceAccount") | .metadata.name] == [pod.serviceAccountName])'
  check "$o" "Namespace aksarc-support enforces the restricted Pod Security profile" \
    '[objs("Namespace")] | length == 1 and .[0].metadata.name == "aksarc-support"
     and .[0].metadata.labels["pod-security.kubernetes.io/enforce"] == "restricted"'
  check "$o" "every namespaced object is in aksarc-support" \
    'all(.[] | select(.kind != "Namespace" and .kind != "ValidatingWebhookConfiguration");
      .metadata.namespace == "aksarc-support")'
  # Service, PDB, NetworkPolicy
  check "$o" "Service port 443 targets the webhook port and selects the pods" \
    '([objs("Service")] | length == 1) and (one("Service") as $s | ($s.spec.ports | length == 1)
      and $s.spec.ports[0].port == 443 and ($s.spec.ports[0].protocol // "TCP") == "TCP"
      and port_number($s.spec.ports[0].targetPort) == webhook_port
      and (podlabels | selects($s.spec.selector)))'
  check "$o" "PodDisruptionBudget keeps at least one replica and selects the pods" \
    '([objs("PodDisruptionBudget")] | length == 1) and (one("PodDisruptionBudget") as $p
      | $p.spec.minAvailable >= 1 and $p.spec.minAvailable < dep.spec.replicas
      and (podlabels | selects($p.spec.selector.matchLabels)))'
  check "$o" "NetworkPolicy admits only the webhook port and limits egress" \
    '([objs("NetworkPolicy")] | length == 1) and (one("NetworkPolicy") as $n
      | (podlabels | selects($n.spec.podSelector.matchLabels))
      and ($n.spec.policyTypes | sort) == ["Egress", "Ingress"]
      and [$n.spec.ingress[].ports[] | port_number(.port)] == [webhook_port]
      and all($n.spec.egress[].ports[]; .protocol == "TCP"))'
  # ValidatingWebhookConfiguration
  check "$o" "one ValidatingWebhookConfiguration with uniquely named webhooks" \
    '[vwc] | length == 1 and ([hooks.name] | length >= 1 and length == (unique | length))'
  check "$o" "admissionReviewVersions [v1], sideEffects None, matchPolicy Equivalent on every webhook" \
    'all(hooks; .admissionReviewVersions == ["v1"] and .sideEffects == "None"
      and .matchPolicy == "Equivalent")'
  check "$o" "timeoutSeconds set and at most 3 on every webhook" \
    'all(hooks; (.timeoutSeconds | type == "number") and .timeoutSeconds >= 1 and .timeoutSeconds <= 3)'
  check "$o" "every webhook calls POST /validate on the Service, port 443" \
    '[objs("Service") | .metadata.name][0] as $svc | all(hooks; .clientConfig.service ==
      {namespace: "aksarc-support", name: $svc, path: "/validate", port: 443}
      and (.clientConfig | has("url") | not))'
  check "$o" "no rule uses a wildcard, CONNECT, or an empty list" \
    'all(hooks.rules[]; all(.apiGroups[], .apiVersions[], .resources[], .operations[];
        test("\\*") | not)
      and all(.operations[]; IN("CREATE", "UPDATE", "DELETE"))
      and ([.apiVersions, .resources, .operations] | all(length > 0)))'
  check "$o" "namespaceSelector on kubernetes.io/metadata.name excludes aksarc-support everywhere" \
    'all(hooks; . as $h | selector_values($h; "NotIn") | index("aksarc-support") != null)'
  check "$o" "no objectSelector (object labels can be set by whoever writes the object)" \
    'all(hooks; has("objectSelector") | not)'
  check "$o" "the managed-namespace webhook selects exactly the configured systemNamespaces" \
    'sysns as $ns | ($ns | length >= 1) and [hooks | select(selector_values(.; "In") | length > 0)
      | selector_values(.; "In") | sort == ($ns | sort)] == [true]'
  check "$o" "webhooks with no In selector exclude the system namespaces or are cluster-scoped/alpha only" \
    'sysns as $ns | all(hooks | select(selector_values(.; "In") | length == 0);
      . as $h | (($ns - selector_values($h; "NotIn")) | length == 0)
      or all($h.rules[]; (.scope // "*") == "Cluster" or all(.apiVersions[]; test("alpha"))))'
  check "$o" "failurePolicy set on every webhook, with its reason in failure-policy.aksarc-support.io/<name>" \
    'vwc.metadata.annotations as $a | all(hooks; .failurePolicy as $fp
      | ($fp | IN("Fail", "Ignore"))
      and (($a["failure-policy.aksarc-support.io/" + .name] // "") | startswith($fp + ": ")))'
  check "$o" "Fail only where matchConditions keep the cluster's own components off the path" \
    'all(hooks | select(.failurePolicy == "Fail"); (.matchConditions // []) | length > 0)'
  # Certificates
  if [[ $o == self-signed ]]; then
    check "$o" "every webhook's caBundle is the CA of self-signed-certs.sh" \
      'all(hooks; .clientConfig.caBundle == $ca)' --arg ca "$(base64 -w0 <"$gen/ca.crt")"
    check "$o" "the TLS Secret is included and matches the script's certificate" \
      '[objs("Secret") | select(.metadata.name == "aksarc-support-webhook-tls")
        | .data["tls.crt"] == $crt] == [true]' --arg crt "$(base64 -w0 <"$gen/tls.crt")"
  else
    check "$o" "cainjector injects the serving Certificate's CA (no caBundle in the manifests)" \
      'vwc.metadata.annotations["cert-manager.io/inject-ca-from"] as $from
       | [objs("Certificate") | select(.metadata.namespace + "/" + .metadata.name == $from)
          | .spec.secretName] == ["aksarc-support-webhook-tls"]
       and all(hooks; .clientConfig | has("caBundle") | not)'
    check "$o" "the serving Certificate names every Service DNS name, issued by an Issuer here" \
      '[objs("Certificate") | select(.spec.secretName == "aksarc-support-webhook-tls")][0] as $c
       | ($names - $c.spec.dnsNames | length == 0) and ($c.spec.usages | index("server auth") != null)
       and ([objs("Issuer") | .metadata.name] | index($c.spec.issuerRef.name) != null)
       and ($c.spec.isCA // false) == false' \
      --argjson names "$(printf '%s\n' "${service_names[@]}" | jq -R . | jq -s -c .)"
    check "$o" "the CA Issuer's Secret comes from a CA Certificate issued by a self-signed Issuer" \
      '[objs("Issuer") | select(.spec.ca)][0].spec.ca.secretName as $s
       | [objs("Certificate") | select(.spec.secretName == $s)][0] as $ca
       | $ca.spec.isCA == true and ([objs("Issuer") | select(.metadata.name == $ca.spec.issuerRef.name)
         | has("spec") and (.spec | has("selfSigned"))] == [true])'
  fi
  # matchConditions
  if [[ $o == no-match-conditions ]]; then
    check "$o" "no webhook has matchConditions" 'all(hooks; has("matchConditions") | not)'
    check "$o" "every webhook fails open (the system actors now reach the webhook)" \
      'all(hooks; .failurePolicy == "Ignore")'
  else
    check "$o" "every webhook has the same matchConditions (at most 64)" \
      '[hooks | .matchConditions] | (.[0] | length) >= 1 and (.[0] | length) <= 64
       and all(.[]; . == $first)' --argjson first \
      "$(jq -c '[.[] | select(.kind == "ValidatingWebhookConfiguration")][0].webhooks[0].matchConditions' \
        "$work/$o.json")"
    check "$o" "matchConditions skip the kubelet only for its own Node (system:nodes and system:node:<name>)" \
      '[hooks.matchConditions[].expression | select(contains("\u0027system:nodes\u0027 in request.userInfo.groups")
        and contains("startsWith(\u0027system:node:\u0027)")
        and contains("request.userInfo.username == \u0027system:node:\u0027 + request.name"))] | length > 0'
    check "$o" "matchConditions skip the control-plane users core/actors.cc exempts" \
      'expressions as $e
       | ($users | length == 3) and all($users[]; . as $u | $e | contains("\u0027" + $u + "\u0027"))' \
      --argjson users "$control_plane_users"
    check "$o" "matchConditions skip the service accounts of every configured system namespace" \
      'expressions as $e | sysns as $ns | ($ns | length >= 1)
       and all($ns[]; . as $n | $e | contains("startsWith(\u0027system:serviceaccount:" + $n + ":\u0027)"))'
    check "$o" "matchConditions never skip system:masters (the admin credential the rules must stop)" \
      '[hooks.matchConditions[].expression | select(contains("system:masters"))] | length == 0'
  fi
done

# --- mode per overlay ----------------------------------------------------------------------------
modes() { jq -r '.[] | select(.kind == "ConfigMap") | .data["policy.yaml"]' "$work/$1.json" |
  grep -E '^\s+(NODE-2|MGD-1|PREV-1):' | sed 's/#.*//; s/ //g' | sort | tr '\n' ' '; }
expect_modes() {
  local o=$1 want=$2 got
  got=$(modes "$o" 2>/dev/null || true)
  if [[ $got == "$want" ]]; then ok "$o: rule modes are $want"; else not_ok "$o: rule modes are $want" "got: $got"; fi
}
deny_modes="MGD-1:deny NODE-2:deny PREV-1:deny "
warn_modes="MGD-1:warn NODE-2:warn PREV-1:warn "
expect_modes warn "$warn_modes"
for o in enforce cert-manager self-signed no-match-conditions; do expect_modes "$o" "$deny_modes"; done
check warn "every webhook fails open (a warning must never block a write)" \
  'all(hooks; .failurePolicy == "Ignore")'
warn_cfg=$(jq -r '.[] | select(.kind == "ConfigMap") | .data["policy.yaml"]' "$work/warn.json" 2>/dev/null |
  sed -E 's/^(\s+(NODE-2|MGD-1|PREV-1)): warn/\1: deny/' || true)
enforce_cfg=$(jq -r '.[] | select(.kind == "ConfigMap") | .data["policy.yaml"]' "$work/enforce.json" 2>/dev/null || true)
if [[ -n $warn_cfg && $warn_cfg == "$enforce_cfg" ]]; then
  ok "warn and enforce configurations differ only in the rule modes"
else
  not_ok "warn and enforce configurations differ only in the rule modes" \
    "$(diff <(echo "$warn_cfg") <(echo "$enforce_cfg") || true)"
fi
for o in enforce cert-manager self-signed; do
  check "$o" "the alpha-API webhook fails closed, the others open" \
    '[hooks | select(.failurePolicy == "Fail") | .name] == ["alpha-apis.aksarc-support.io"]'
done

# --- routing: every decision in the golden AdmissionReviews reaches exactly one webhook -----------
# (rules, scope and namespaceSelector as the API server applies them; matchConditions are CEL and
# are checked above by content only).
read -r -d '' route <<'JQ' || true
def ns_of(r): if r.resource.resource == "namespaces" and (r.subResource // "") == "" then r.name
  else (r.namespace // "") end;
def res_of(r): r.resource.resource + (if (r.subResource // "") == "" then "" else "/" + r.subResource end);
# A Namespace object is cluster-scoped although the API server names it as its own namespace.
def cluster_scoped(r): (r.namespace // "") == "" or r.resource.resource == "namespaces";
def scope_ok(rule; r): (rule.scope // "*") as $s | $s == "*"
  or ($s == "Cluster" and cluster_scoped(r)) or ($s == "Namespaced" and (cluster_scoped(r) | not));
def rule_ok(rule; r): (rule.apiGroups | index(r.resource.group)) != null
  and (rule.apiVersions | index(r.resource.version)) != null
  and (rule.resources | index(res_of(r))) != null
  and (rule.operations | index(r.operation)) != null and scope_ok(rule; r);
def selector_ok(h; r): ns_of(r) as $ns
  | if $ns == "" then true
    else all(h.namespaceSelector.matchExpressions[]?;
      if .operator == "In" then (.values | index($ns)) != null
      elif .operator == "NotIn" then (.values | index($ns)) == null else false end) end;
[.[] | select(.kind == "ValidatingWebhookConfiguration") | .webhooks[]] as $hooks
| $reviews | map(.file as $f | .review.request as $r
  | {file: $f, hooks: [$hooks[] | select(any(.rules[]; rule_ok(.; $r)) and selector_ok(.; $r)) | .name]})
JQ
fixtures=$root/tests/testdata/admission
for f in "$fixtures"/{deny,warn,audit,dryrun,notice}-*.request.json; do
  jq -c --arg f "$(basename "$f")" '{file: $f, review: .}' "$f"
done | jq -s -c . >"$work/reviews.json"
count=$(jq length "$work/reviews.json")
for o in enforce no-match-conditions; do
  if out=$(jq -e --slurpfile r "$work/reviews.json" "\$r[0] as \$reviews | $route | map(select(.hooks | length != 1))
      | if length == 0 then true else error(tostring) end" "$work/$o.json" 2>&1); then
    ok "$o: each of the $count judged golden AdmissionReviews is sent to exactly one webhook"
  else
    not_ok "$o: each of the $count judged golden AdmissionReviews is sent to exactly one webhook" "$out"
  fi
done
if [[ $count -ge 20 ]]; then
  ok "the routing check saw $count golden reviews"
else
  not_ok "the routing check saw $count golden reviews (expected at least 20)"
fi

# Every alpha API the data knows (but the API server's own storageversions) is sent to the webhook.
alpha=$(jq -c '[.versions[].alpha[] | .groupVersion as $gv | .kinds[]
  | {gv: $gv, resource: (.kind | ascii_downcase
      | if endswith("ss") then . + "es" elif endswith("s") then .
        elif endswith("y") then sub("y$"; "ies") else . + "s" end)}]
  | unique | map(select(.gv | startswith("internal.apiserver.k8s.io/") | not))' \
  "$root/data/alpha-apis.json")
check enforce "every alpha API version/resource in data/alpha-apis.json is sent (CREATE, UPDATE)" \
  '[hooks | select(.name == "alpha-apis.aksarc-support.io") | .rules[]] as $rules
   | [$alpha[] | . as $a | ($a.gv | split("/")) as [$g, $v]
      | select(any($rules[]; (.apiGroups | index($g)) != null and (.apiVersions | index($v)) != null
          and (.resources | index($a.resource)) != null
          and (.operations | sort) == ["CREATE", "UPDATE"]) | not)] as $missing
   | if $missing == [] and ($alpha | length) > 10 then true else error($missing | tostring) end' \
  --argjson alpha "$alpha"

# --- the audit policy ----------------------------------------------------------------------------
audit=$work/audit.json
if (cat "$root/manifests/audit/audit-policy.yaml"; printf 'metadata: {name: audit-policy}\n') |
  to_json >"$audit" 2>"$work/audit.err" &&
  jq -e '.[0] | .apiVersion == "audit.k8s.io/v1" and .kind == "Policy"
    and all(.rules[]; .level == "Metadata")' "$audit" >/dev/null; then
  ok "audit-policy.yaml is an audit.k8s.io/v1 Policy recording at Metadata level only"
else
  not_ok "audit-policy.yaml is an audit.k8s.io/v1 Policy recording at Metadata level only" \
    "$(cat "$work/audit.err" 2>/dev/null)"
fi
if out=$(jq -e --slurpfile p "$audit" '
    [$p[0][0].rules[] | .resources[]?] as $ar
    | [.[] | select(.kind == "ValidatingWebhookConfiguration") | .webhooks[].rules[]
       | .apiGroups[] as $g | .resources[] as $r | {g: $g, r: $r}] | unique
    | map(select(. as $w | any($ar[]; .group == $w.g
        and ((has("resources") | not) or (.resources | index($w.r)) != null)) | not))
    | if length == 0 then true else error(tostring) end' "$work/enforce.json" 2>&1); then
  ok "the audit policy records every resource the webhooks are sent"
else
  not_ok "the audit policy records every resource the webhooks are sent" "$out"
fi

# --- the real webhook with the rendered configuration and the script's certificate ----------------
if [[ -z $webhook_bin || ! -x $webhook_bin ]]; then
  echo "# webhook binary not found: skipping the live checks (pass it as the second argument)"
else
  help=$("$webhook_bin" --help 2>&1 || true)
  missing=$(jq -r '.[] | select(.kind == "Deployment") | .spec.template.spec.containers[0].args[]
    | sub("=.*"; "")' "$work/enforce.json" | while read -r flag; do
      grep -q -- "$flag " <<<"$help" || echo "$flag"; done)
  if [[ -z $missing ]]; then
    ok "the webhook accepts every flag the Deployment passes"
  else
    not_ok "the webhook accepts every flag the Deployment passes" "unknown: $missing"
  fi
  host=aksarc-support-webhook.aksarc-support.svc
  review=$fixtures/deny-node-hostname-label-changed.request.json
  for o in warn enforce; do
    jq -r '.[] | select(.kind == "ConfigMap") | .data["policy.yaml"]' "$work/$o.json" >"$work/$o-policy.yaml"
    "$webhook_bin" --tls-cert-file "$gen/tls.crt" --tls-private-key-file "$gen/tls.key" \
      --config "$work/$o-policy.yaml" --cluster-version 1.30 --port 0 --bind-address 127.0.0.1 \
      >"$work/$o-webhook.log" 2>"$work/$o-webhook.err" &
    pid=$!
    pids+=("$pid")
    port=""
    for _ in $(seq 100); do
      port=$(jq -r 'select(.msg == "listening") | .port' "$work/$o-webhook.log" 2>/dev/null |
        head -1 || true)
      [[ -n $port ]] && break
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if [[ -z $port ]]; then
      not_ok "$o: the webhook starts with the rendered configuration and the script's certificate" \
        "$(cat "$work/$o-webhook.err" "$work/$o-webhook.log")"
      continue
    fi
    ok "$o: the webhook starts with the rendered configuration and the script's certificate"
    https() { curl -sS --max-time 5 --cacert "$gen/ca.crt" --resolve "$host:$port:127.0.0.1" "$@"; }
    code=$(https -o /dev/null -w '%{http_code}' "https://$host:$port/readyz" 2>&1 || true)
    if [[ $code == 200 ]]; then
      ok "$o: GET https://$host/readyz verifies the certificate and answers 200"
    else
      not_ok "$o: GET https://$host/readyz verifies the certificate and answers 200" "$code"
    fi
    answer=$(https -H 'Content-Type: application/json' --data-binary @"$review" \
      "https://$host:$port/validate" 2>&1 || true)
    if [[ $o == warn ]]; then
      want='.response.allowed == true and (.response.warnings | length) >= 1
        and .response.auditAnnotations.decision == "warn"'
    else
      want='.response.allowed == false and .response.status.code == 403
        and .response.auditAnnotations.decision == "deny"'
    fi
    if jq -e "$want" <<<"$answer" >/dev/null 2>&1; then
      ok "$o: a NODE-2 violation is answered as the mode says"
    else
      not_ok "$o: a NODE-2 violation is answered as the mode says" "$answer"
    fi
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
fi

echo "# $checks checks, $failures failed"
[[ $failures -eq 0 ]]
