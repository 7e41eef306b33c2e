#!/usr/bin/env bash
# Writes the three AdmissionReview bodies the webhook benchmarks post, built with jq from the
# shipped sample AKS Arc cluster so that they carry real objects:
#   pod-create.json        (~3 KB)   a user creates a Pod in an application namespace: allowed
#                                    after PREV-1 reads every container's command and args
#   node-update.json       (~9 KB)   `kubectl label node` by a user: object and oldObject with
#                                    realistic status (conditions, images); NODE-2 compares every
#                                    label and annotation: allowed (the label is the user's)
#   configmap-update.json  (~500 KB) a user edits a large ConfigMap in kube-system: denied by MGD-1
# Usage: bench/bodies/generate.sh OUT_DIR
set -euo pipefail
out=${1:?usage: generate.sh OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
cluster=$here/../../tests/testdata/clusters/aksarc-healthy
mkdir -p "$out"

user='{"username":"alice@contoso.com","uid":"4f1c2a9e-3b7d-4e1a-9c55-2d1f0e8b7a61",
       "groups":["contoso-platform-admins","system:authenticated"]}'

# Pod CREATE: the CSI controller pod (the sample's richest pod spec), moved to a user namespace
# and stripped of what the API server fills in after admission.
jq -c --argjson user "$user" '
  (.items[] | select(.metadata.name | startswith("csi-akshcicsi-controller"))) as $p
  | ($p | .metadata = {name: "orders-api-7d9f8b6c5d-x2x7q", namespace: "shop",
                       generateName: "orders-api-7d9f8b6c5d-",
                       labels: {app: "orders-api", "pod-template-hash": "7d9f8b6c5d"}}
        | del(.status) | .spec.nodeName = null | del(.spec.nodeName)) as $pod
  | {apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview",
     request: {uid: "705ab4f5-6393-11e8-b7cc-42010a800002",
               kind: {group: "", version: "v1", kind: "Pod"},
               resource: {group: "", version: "v1", resource: "pods"},
               requestKind: {group: "", version: "v1", kind: "Pod"},
               requestResource: {group: "", version: "v1", resource: "pods"},
               name: $pod.metadata.name, namespace: "shop", operation: "CREATE",
               userInfo: $user, object: $pod, oldObject: null, dryRun: false,
               options: {apiVersion: "meta.k8s.io/v1", kind: "CreateOptions"}}}
' "$cluster/kube-system/pods.json" >"$out/pod-create.json"

# Node UPDATE: a worker node with the images its kubelet reports (those of the sample's pods)
# and the managedFields a real node carries; the new object has one more user label.
jq -c --argjson user "$user" --slurpfile pods "$cluster/kube-system/pods.json" '
  ([$pods[0].items[].spec.containers[].image] | unique
   | to_entries | map({names: [.value], sizeBytes: (12000000 + .key * 7340033)})) as $images
  | ([.items[] | select(.metadata.labels["node-role.kubernetes.io/control-plane"] == null)][0]
  | .status.images = $images
  | .metadata.managedFields = [
      {manager: "kubelet", operation: "Update", apiVersion: "v1", time: "2025-11-25T19:52:18Z",
       fieldsType: "FieldsV1", subresource: "status",
       fieldsV1: {"f:status": {"f:conditions": {"k:{\"type\":\"DiskPressure\"}": {"f:lastHeartbeatTime": {}},
         "k:{\"type\":\"MemoryPressure\"}": {"f:lastHeartbeatTime": {}},
         "k:{\"type\":\"PIDPressure\"}": {"f:lastHeartbeatTime": {}},
         "k:{\"type\":\"Ready\"}": {"f:lastHeartbeatTime": {}}}, "f:images": {}}}},
      {manager: "calico-node", operation: "Update", apiVersion: "v1", time: "2025-11-03T09:13:55Z",
       fieldsType: "FieldsV1", subresource: "status",
       fieldsV1: {"f:metadata": {"f:annotations": {"f:projectcalico.org/IPv4Address": {},
         "f:projectcalico.org/IPv4IPIPTunnelAddr": {}}}}}]) as $old
  | ($old | .metadata.labels.team = "payments" | .metadata.resourceVersion = "1008") as $new
  | {apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview",
     request: {uid: "8e2d0b4c-1f3a-4c6e-9b7d-5a4e3c2b1a09",
               kind: {group: "", version: "v1", kind: "Node"},
               resource: {group: "", version: "v1", resource: "nodes"},
               requestKind: {group: "", version: "v1", kind: "Node"},
               requestResource: {group: "", version: "v1", resource: "nodes"},
               name: $old.metadata.name, operation: "UPDATE", userInfo: $user,
               object: $new, oldObject: $old, dryRun: false,
               options: {apiVersion: "meta.k8s.io/v1", kind: "UpdateOptions",
                         fieldManager: "kubectl-label"}}}
' "$cluster/nodes.json" >"$out/node-update.json"

# ConfigMap UPDATE: 500 KB of data (64 keys of ~4 KB text, in object and oldObject), one key changed.
jq -c -n --argjson user "$user" '
  def blob($i): [range(0; 40)] | map("line \(.) of dashboard \($i): {\"panel\": \(.), \"query\": \"sum(rate(container_cpu_usage_seconds_total[5m]))\"}") | join("\n");
  ({apiVersion: "v1", kind: "ConfigMap",
    metadata: {name: "cluster-dashboards", namespace: "kube-system", resourceVersion: "88121",
               uid: "0c6f3f2e-5b1d-4f0e-8a9c-7d6e5f4a3b21",
               creationTimestamp: "2025-11-03T09:20:11Z",
               labels: {"app.kubernetes.io/name": "cluster-dashboards"}},
    data: ([range(0; 64)] | map({key: "dashboard-\(.).json", value: blob(.)}) | from_entries)}) as $old
  | ($old | .data["dashboard-7.json"] += "\nedited" | .metadata.resourceVersion = "88122") as $new
  | {apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview",
     request: {uid: "c41d7a88-2e4f-4b59-a1d3-9f8e7d6c5b4a",
               kind: {group: "", version: "v1", kind: "ConfigMap"},
               resource: {group: "", version: "v1", resource: "configmaps"},
               requestKind: {group: "", version: "v1", kind: "ConfigMap"},
               requestResource: {group: "", version: "v1", resource: "configmaps"},
               name: "cluster-dashboards", namespace: "kube-system", operation: "UPDATE",
               userInfo: $user, object: $new, oldObject: $old, dryRun: false,
               options: {apiVersion: "meta.k8s.io/v1", kind: "UpdateOptions"}}}
' >"$out/configmap-update.json"
