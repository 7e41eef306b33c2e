#!/usr/bin/env python3
"""Writes the golden request fixtures (<case>.request.json, <case>.config.yaml) of this folder.

Each case is a realistic AdmissionReview as the API server sends it; the name states the decision
the support policy requires (see tests/core/golden_test.cc). Run it after editing a case, then
regenerate the expected answers with AKSARC_UPDATE_GOLDEN=1 build/tests/core_tests and read the
diff. Not needed to run the tests.
"""
import copy
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ADMIN = {"username": "kubernetes-admin", "groups": ["system:masters", "system:authenticated"]}
OPERATOR = {"username": "alice@contoso.com", "groups": ["platform-team", "system:authenticated"]}


def node(name="moc-l1hj0nllpvs", labels=None, annotations=None, unschedulable=False):
    labels = labels if labels is not None else {
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "msft.microsoft/nodepool-name": "contoso-aks-5c6d9-nodepool1",
        "team": "payments",
    }
    annotations = annotations if annotations is not None else {
        "kubeadm.alpha.kubernetes.io/cri-socket": "unix:///run/containerd/containerd.sock",
        "node.alpha.kubernetes.io/ttl": "0",
        "projectcalico.org/IPv4Address": "172.16.0.21/16",
        "volumes.kubernetes.io/controller-managed-attach-detach": "true",
    }
    n = {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "uid": "5c1f5f4e-2f1d-4f53-9d55-0f0f7c5e8a01",
                     "resourceVersion": "918273", "labels": labels, "annotations": annotations},
        "spec": {"providerID": "moc://" + name, "podCIDR": "10.244.1.0/24"},
        "status": {"nodeInfo": {"kubeletVersion": "v1.30.4", "osImage": "CBL-Mariner/Linux",
                                "architecture": "amd64", "operatingSystem": "linux"}},
    }
    if unschedulable:
        n["spec"]["unschedulable"] = True
    return n


def review(operation, kind, resource, obj, old=None, namespace="", name="", user=ADMIN,
           sub="", version="admission.k8s.io/v1", dry_run=False, uid=None):
    group, ver, k = kind
    req = {
        "uid": uid or "705ab4f5-6393-11e8-b7cc-42010a800002",
        "kind": {"group": group, "version": ver, "kind": k},
        "resource": {"group": group, "version": ver, "resource": resource},
        "requestKind": {"group": group, "version": ver, "kind": k},
        "requestResource": {"group": group, "version": ver, "resource": resource},
        "name": name,
        "operation": operation,
        "userInfo": user,
        "object": obj,
        "oldObject": old,
        "dryRun": dry_run,
    }
    if namespace:
        req["namespace"] = namespace
    if sub:
        req["subResource"] = sub
        req["requestSubResource"] = sub
    return {"apiVersion": version, "kind": "AdmissionReview", "request": req}


NODE = ("", "v1", "Node")


def node_update(new, old, user=ADMIN, sub="", **kw):
    return review("UPDATE", NODE, "nodes", new, old, name=new["metadata"]["name"], user=user,
                  sub=sub, **kw)


def with_label(n, key, value):
    n = copy.deepcopy(n)
    if value is None:
        n["metadata"]["labels"].pop(key, None)
    else:
        n["metadata"]["labels"][key] = value
    return n


def with_annotation(n, key, value):
    n = copy.deepcopy(n)
    if value is None:
        n["metadata"]["annotations"].pop(key, None)
    else:
        n["metadata"]["annotations"][key] = value
    return n


CASES = {}
CONFIGS = {}
RAW = {}
BASE = node()
CP = node("moc-l0ttdmaioew", labels={
    "kubernetes.io/hostname": "moc-l0ttdmaioew", "kubernetes.io/os": "linux",
    "node-role.kubernetes.io/control-plane": "",
    "node.kubernetes.io/exclude-from-external-load-balancers": ""})

# ---- NODE-2 -------------------------------------------------------------------------------
CASES["allow-node-user-label-added"] = node_update(with_label(BASE, "app.contoso.com/tier", "gold"), BASE)
CASES["allow-node-user-label-changed"] = node_update(with_label(BASE, "team", "billing"), BASE)
CASES["allow-node-cordon"] = node_update(node(unschedulable=True), BASE)
CASES["allow-node-kubectl-annotation"] = node_update(
    with_annotation(BASE, "kubectl.kubernetes.io/last-applied-configuration", "{}"), BASE)
CASES["deny-node-hostname-label-changed"] = node_update(
    with_label(BASE, "kubernetes.io/hostname", "node-a"), BASE)
CASES["deny-node-control-plane-role-removed"] = node_update(
    with_label(CP, "node-role.kubernetes.io/control-plane", None), CP)
CASES["deny-node-worker-role-added"] = node_update(
    with_label(BASE, "node-role.kubernetes.io/worker", ""), BASE)
CASES["deny-node-nodepool-label-changed"] = node_update(
    with_label(BASE, "msft.microsoft/nodepool-name", "contoso-aks-5c6d9-gpu"), BASE)
CASES["deny-node-topology-label-added"] = node_update(
    with_label(BASE, "topology.kubernetes.io/zone", "rack-2"), BASE)
CASES["deny-node-calico-annotation-changed"] = node_update(
    with_annotation(BASE, "projectcalico.org/IPv4Address", "172.16.0.99/16"), BASE)
CASES["deny-node-azure-label-added"] = node_update(
    with_label(BASE, "kubernetes.azure.com/mode", "system"), BASE)
CASES["deny-node-two-keys-changed"] = node_update(
    with_label(with_label(BASE, "kubernetes.io/os", "windows"), "beta.kubernetes.io/os", "windows"), BASE)
CASES["deny-node-status-subresource-annotation"] = node_update(
    with_annotation(BASE, "node.alpha.kubernetes.io/ttl", "30"), BASE, sub="status")
CASES["deny-node-label-v1beta1"] = node_update(
    with_label(BASE, "kubernetes.io/arch", "arm64"), BASE, version="admission.k8s.io/v1beta1")
CASES["deny-node-label-dryrun-request"] = node_update(
    with_label(BASE, "kubernetes.io/hostname", "x"), BASE, dry_run=True)
CASES["deny-node-other-kubelet"] = node_update(
    with_label(BASE, "kubernetes.io/hostname", "moc-l2"), BASE,
    user={"username": "system:node:moc-l2abcdefgh", "groups": ["system:nodes", "system:authenticated"]})
CASES["deny-node-kubelet-name-without-nodes-group"] = node_update(
    with_label(BASE, "kubernetes.io/hostname", "moc-l2"), BASE,
    user={"username": "system:node:moc-l1hj0nllpvs", "groups": ["system:authenticated"]})
CASES["exempt-node-own-kubelet"] = node_update(
    with_label(BASE, "node.kubernetes.io/instance-type", "Standard_A4_v2"), BASE,
    user={"username": "system:node:moc-l1hj0nllpvs", "groups": ["system:nodes", "system:authenticated"]})
CASES["exempt-node-controller-manager"] = node_update(
    with_annotation(BASE, "node.alpha.kubernetes.io/ttl", "15"), BASE,
    user={"username": "system:kube-controller-manager", "groups": ["system:authenticated"]})
CASES["exempt-node-configured-breakglass-user"] = node_update(
    with_label(BASE, "kubernetes.io/hostname", "x"), BASE,
    user={"username": "breakglass@contoso.com", "groups": ["system:authenticated"]})
CONFIGS["exempt-node-configured-breakglass-user"] = 'clusterVersion: "1.30"\nexemptions:\n  users: [breakglass@contoso.com]\n'
CASES["warn-node-label-warn-mode"] = node_update(with_label(BASE, "kubernetes.io/hostname", "x"), BASE)
CONFIGS["warn-node-label-warn-mode"] = 'clusterVersion: "1.30"\nrules:\n  NODE-2: warn\n'
CASES["audit-node-label-audit-mode"] = node_update(with_label(BASE, "kubernetes.io/hostname", "x"), BASE)
CONFIGS["audit-node-label-audit-mode"] = 'clusterVersion: "1.30"\nrules:\n  NODE-2: audit\n'
CASES["dryrun-node-label-global-dry-run"] = node_update(with_label(BASE, "kubernetes.io/hostname", "x"), BASE)
CONFIGS["dryrun-node-label-global-dry-run"] = 'clusterVersion: "1.30"\ndryRun: true\n'
CASES["allow-node-create-by-admin"] = review("CREATE", NODE, "nodes", BASE, None, name=BASE["metadata"]["name"])
CASES["allow-node-delete-by-admin"] = review("DELETE", NODE, "nodes", None, BASE, name=BASE["metadata"]["name"])

# ---- MGD-1 --------------------------------------------------------------------------------
CM = ("", "v1", "ConfigMap")
DEPLOY = ("apps", "v1", "Deployment")
DS = ("apps", "v1", "DaemonSet")
POD = ("", "v1", "Pod")
coredns_cm = {"apiVersion": "v1", "kind": "ConfigMap",
              "metadata": {"name": "coredns", "namespace": "kube-system", "resourceVersion": "311"},
              "data": {"Corefile": ".:53 {\n    errors\n    health\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n       fallthrough in-addr.arpa ip6.arpa\n    }\n    forward . /etc/resolv.conf\n    cache 30\n}\n"}}
coredns_edit = copy.deepcopy(coredns_cm)
coredns_edit["data"]["Corefile"] = coredns_edit["data"]["Corefile"].replace("cache 30", "cache 300")
CASES["deny-kube-system-coredns-configmap-edit"] = review(
    "UPDATE", CM, "configmaps", coredns_edit, coredns_cm, namespace="kube-system", name="coredns")
custom = {"apiVersion": "v1", "kind": "ConfigMap",
          "metadata": {"name": "coredns-custom", "namespace": "kube-system"},
          "data": {"contoso.server": "contoso.com:53 {\n    forward . 10.0.0.10\n}\n"}}
CASES["allow-kube-system-coredns-custom"] = review(
    "CREATE", CM, "configmaps", custom, None, namespace="kube-system", name="coredns-custom", user=OPERATOR)


def deployment(name, ns, image, annotations=None, replicas=2, generation=3):
    tmpl_meta = {"labels": {"k8s-app": name}}
    if annotations:
        tmpl_meta["annotations"] = annotations
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": ns, "generation": generation, "resourceVersion": "5012",
                         "labels": {"k8s-app": name}},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"k8s-app": name}},
                     "template": {"metadata": tmpl_meta,
                                  "spec": {"priorityClassName": "system-cluster-critical",
                                           "containers": [{"name": name, "image": image}]}}},
            "status": {"replicas": replicas, "readyReplicas": replicas}}


coredns = deployment("coredns", "kube-system", "mcr.microsoft.com/oss/kubernetes/coredns:v1.11.1")
restarted = deployment("coredns", "kube-system", "mcr.microsoft.com/oss/kubernetes/coredns:v1.11.1",
                       annotations={"kubectl.kubernetes.io/restartedAt": "2026-11-25T10:00:00Z"}, generation=4)
CASES["allow-kube-system-rollout-restart"] = review(
    "UPDATE", DEPLOY, "deployments", restarted, coredns, namespace="kube-system", name="coredns", user=OPERATOR)
restarted2 = copy.deepcopy(restarted)
restarted2["spec"]["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"] = "2026-11-25T11:00:00Z"
CASES["allow-kube-system-second-rollout-restart"] = review(
    "UPDATE", DEPLOY, "deployments", restarted2, restarted, namespace="kube-system", name="coredns", user=OPERATOR)
sneaky = copy.deepcopy(restarted)
sneaky["spec"]["template"]["spec"]["containers"][0]["image"] = "docker.io/coredns/coredns:1.12.0"
CASES["deny-kube-system-restart-with-image-change"] = review(
    "UPDATE", DEPLOY, "deployments", sneaky, coredns, namespace="kube-system", name="coredns", user=OPERATOR)
CASES["deny-kube-system-deployment-create"] = review(
    "CREATE", DEPLOY, "deployments", deployment("metrics-collector", "kube-system", "contoso.azurecr.io/collector:2"),
    None, namespace="kube-system", name="metrics-collector")
kp = {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "kube-proxy", "namespace": "kube-system"},
      "spec": {"template": {"spec": {"containers": [{"name": "kube-proxy", "image": "mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.30.4"}]}}}}
CASES["deny-kube-system-daemonset-delete-object-null"] = review(
    "DELETE", DS, "daemonsets", None, kp, namespace="kube-system", name="kube-proxy")
absent = review("DELETE", DS, "daemonsets", None, kp, namespace="kube-system", name="kube-proxy")
del absent["request"]["object"]
CASES["deny-kube-system-daemonset-delete-object-absent"] = absent
pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "coredns-7db6d8ff4d-4xk2p", "namespace": "kube-system"},
       "spec": {"containers": [{"name": "coredns", "image": "mcr.microsoft.com/oss/kubernetes/coredns:v1.11.1"}]}}
CASES["allow-kube-system-pod-delete"] = review(
    "DELETE", POD, "pods", None, pod, namespace="kube-system", name=pod["metadata"]["name"], user=OPERATOR)
eviction = {"apiVersion": "policy/v1", "kind": "Eviction",
            "metadata": {"name": pod["metadata"]["name"], "namespace": "kube-system"}}
ev = review("CREATE", ("policy", "v1", "Eviction"), "pods", eviction, None, namespace="kube-system",
            name=pod["metadata"]["name"], user=OPERATOR, sub="eviction")
ev["request"]["resource"] = {"group": "", "version": "v1", "resource": "pods"}
ev["request"]["requestResource"] = {"group": "", "version": "v1", "resource": "pods"}
CASES["allow-kube-system-drain-eviction"] = ev
CASES["deny-kube-system-pod-create"] = review(
    "CREATE", POD, "pods", pod, None, namespace="kube-system", name=pod["metadata"]["name"])
scale = review("UPDATE", ("autoscaling", "v1", "Scale"), "deployments",
               {"apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": {"name": "coredns", "namespace": "kube-system"}, "spec": {"replicas": 0}},
               {"apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": {"name": "coredns", "namespace": "kube-system"}, "spec": {"replicas": 2}},
               namespace="kube-system", name="coredns", sub="scale")
scale["request"]["resource"] = {"group": "apps", "version": "v1", "resource": "deployments"}
CASES["deny-kube-system-scale-to-zero"] = scale
CASES["allow-kube-system-exec-connect"] = review(
    "CONNECT", ("", "v1", "PodExecOptions"), "pods",
    {"apiVersion": "v1", "kind": "PodExecOptions", "stdin": True, "tty": True, "container": "coredns", "command": ["sh"]},
    None, namespace="kube-system", name=pod["metadata"]["name"], user=OPERATOR, sub="exec")
ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "kube-system"}}
CASES["deny-kube-system-namespace-delete"] = review(
    "DELETE", ("", "v1", "Namespace"), "namespaces", None, ns, namespace="kube-system", name="kube-system")
arc = deployment("config-agent", "azure-arc", "mcr.microsoft.com/azurearck8s/config-agent:1.21.10")
arc_edit = deployment("config-agent", "azure-arc", "mcr.microsoft.com/azurearck8s/config-agent:1.21.10", replicas=0)
CASES["deny-azure-arc-agent-scaled-down"] = review(
    "UPDATE", DEPLOY, "deployments", arc_edit, arc, namespace="azure-arc", name="config-agent", user=OPERATOR)
CASES["exempt-kube-system-replicaset-controller"] = review(
    "CREATE", POD, "pods", pod, None, namespace="kube-system", name=pod["metadata"]["name"],
    user={"username": "system:serviceaccount:kube-system:replicaset-controller",
          "groups": ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"]})
CASES["exempt-kube-system-pod-status-by-kubelet"] = review(
    "UPDATE", POD, "pods", pod, pod, namespace="kube-system", name=pod["metadata"]["name"], sub="status",
    user={"username": "system:node:moc-l1hj0nllpvs", "groups": ["system:nodes", "system:authenticated"]})
CASES["deny-kube-system-pod-status-kubelet-name-without-group"] = review(
    "UPDATE", POD, "pods", pod, pod, namespace="kube-system", name=pod["metadata"]["name"], sub="status",
    user={"username": "system:node:moc-l1hj0nllpvs", "groups": ["system:authenticated"]})
CASES["allow-default-namespace-deployment"] = review(
    "CREATE", DEPLOY, "deployments", deployment("web", "default", "contoso.azurecr.io/web:1.4"), None,
    namespace="default", name="web", user=OPERATOR)
CASES["warn-kube-system-edit-warn-mode"] = review(
    "UPDATE", CM, "configmaps", coredns_edit, coredns_cm, namespace="kube-system", name="coredns")
CONFIGS["warn-kube-system-edit-warn-mode"] = 'clusterVersion: "1.30"\nrules:\n  MGD-1: warn\n'
CASES["deny-kube-system-edit-system-masters-not-exempt"] = review(
    "UPDATE", CM, "configmaps", coredns_edit, coredns_cm, namespace="kube-system", name="coredns",
    user={"username": "clusterAdmin_rg_contoso", "groups": ["system:masters", "system:authenticated"]})
CASES["exempt-kube-system-configured-group"] = review(
    "UPDATE", CM, "configmaps", coredns_edit, coredns_cm, namespace="kube-system", name="coredns",
    user={"username": "aks-arc-support", "groups": ["contoso:aks-operators", "system:authenticated"]})
CONFIGS["exempt-kube-system-configured-group"] = 'clusterVersion: "1.30"\nexemptions:\n  groups: ["contoso:aks-operators"]\n'

# ---- PREV-1 -------------------------------------------------------------------------------
def kubelet_cm(gates, name="kubelet-config"):
    cfg = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: systemd\n"
    if gates:
        cfg += "featureGates:\n" + "".join(f"  {k}: {str(v).lower()}\n" for k, v in gates.items())
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": "kube-system"},
            "data": {"kubelet": cfg}}


MGD_AUDIT = 'clusterVersion: "1.30"\nrules:\n  MGD-1: audit\n'
CASES["deny-prev-kubelet-config-alpha-gate"] = review(
    "UPDATE", CM, "configmaps", kubelet_cm({"InPlacePodVerticalScaling": True}), kubelet_cm({}),
    namespace="kube-system", name="kubelet-config")
CONFIGS["deny-prev-kubelet-config-alpha-gate"] = MGD_AUDIT
CASES["allow-prev-kubelet-config-alpha-gate-disabled"] = review(
    "UPDATE", CM, "configmaps", kubelet_cm({"InPlacePodVerticalScaling": False}), kubelet_cm({}),
    namespace="kube-system", name="kubelet-config", user=OPERATOR)
CONFIGS["allow-prev-kubelet-config-alpha-gate-disabled"] = 'clusterVersion: "1.30"\nsystemNamespaces: [azure-arc]\n'
CASES["allow-prev-kubelet-config-beta-gate"] = review(
    "UPDATE", CM, "configmaps", kubelet_cm({"GracefulNodeShutdown": True}), kubelet_cm({}),
    namespace="kube-system", name="kubelet-config")
CONFIGS["allow-prev-kubelet-config-beta-gate"] = 'clusterVersion: "1.30"\nsystemNamespaces: [azure-arc]\n'
CASES["deny-prev-all-alpha"] = review(
    "UPDATE", CM, "configmaps", kubelet_cm({"AllAlpha": True}), kubelet_cm({}),
    namespace="kube-system", name="kubelet-config")
CONFIGS["deny-prev-all-alpha"] = MGD_AUDIT


def apiserver_pod(flags):
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "kube-apiserver-moc-l0ttdmaioew", "namespace": "kube-system"},
            "spec": {"containers": [{"name": "kube-apiserver",
                                     "image": "ecpacr.azurecr.io/kube-apiserver:v1.30.4",
                                     "command": ["kube-apiserver", "--advertise-address=172.16.0.20",
                                                 "--secure-port=6443"] + flags}]}}


CASES["deny-prev-apiserver-static-pod-alpha-gate"] = review(
    "CREATE", POD, "pods", apiserver_pod(["--feature-gates=StorageVersionAPI=true,PodDisruptionConditions=true"]),
    None, namespace="kube-system", name="kube-apiserver-moc-l0ttdmaioew")
CONFIGS["deny-prev-apiserver-static-pod-alpha-gate"] = MGD_AUDIT
CASES["deny-prev-runtime-config-alpha-api"] = review(
    "CREATE", POD, "pods", apiserver_pod(["--runtime-config=resource.k8s.io/v1alpha2=true"]),
    None, namespace="kube-system", name="kube-apiserver-moc-l0ttdmaioew")
CONFIGS["deny-prev-runtime-config-alpha-api"] = MGD_AUDIT
kubeadm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "kubeadm-config", "namespace": "kube-system"},
           "data": {"ClusterConfiguration": "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: v1.30.4\napiServer:\n  extraArgs:\n  - name: feature-gates\n    value: SidecarContainers=true,StorageVersionAPI=true\ncontrollerManager:\n  extraArgs:\n  - name: bind-address\n    value: 0.0.0.0\n"}}
kubeadm_old = copy.deepcopy(kubeadm)
kubeadm_old["data"]["ClusterConfiguration"] = kubeadm_old["data"]["ClusterConfiguration"].replace(",StorageVersionAPI=true", "")
CASES["deny-prev-kubeadm-v1beta4-alpha-gate"] = review(
    "UPDATE", CM, "configmaps", kubeadm, kubeadm_old, namespace="kube-system", name="kubeadm-config")
CONFIGS["deny-prev-kubeadm-v1beta4-alpha-gate"] = MGD_AUDIT
CASES["notice-prev-alpha-gate-already-enabled"] = review(
    "UPDATE", CM, "configmaps", kubelet_cm({"InPlacePodVerticalScaling": True, "GracefulNodeShutdown": True}),
    kubelet_cm({"InPlacePodVerticalScaling": True}), namespace="kube-system", name="kubelet-config",
    user={"username": "system:serviceaccount:aks-tools:updater", "groups": []})
CONFIGS["notice-prev-alpha-gate-already-enabled"] = 'clusterVersion: "1.30"\nsystemNamespaces: [azure-arc]\n'
CASES["notice-prev-unknown-gate"] = review(
    "UPDATE", CM, "configmaps", kubelet_cm({"ContosoTurbo": True}), kubelet_cm({}),
    namespace="kube-system", name="kubelet-config", user=OPERATOR)
CONFIGS["notice-prev-unknown-gate"] = 'clusterVersion: "1.30"\nsystemNamespaces: [azure-arc]\n'
CASES["deny-prev-alpha-api-object"] = review(
    "CREATE", ("admissionregistration.k8s.io", "v1alpha1", "MutatingAdmissionPolicy"), "mutatingadmissionpolicies",
    {"apiVersion": "admissionregistration.k8s.io/v1alpha1", "kind": "MutatingAdmissionPolicy",
     "metadata": {"name": "add-team-label"}, "spec": {"failurePolicy": "Fail"}}, None,
    name="add-team-label", user=OPERATOR)
CASES["allow-prev-crd-v1alpha-group"] = review(
    "CREATE", ("cluster.x-k8s.io", "v1alpha3", "Cluster"), "clusters",
    {"apiVersion": "cluster.x-k8s.io/v1alpha3", "kind": "Cluster", "metadata": {"name": "c1", "namespace": "capi"}},
    None, namespace="capi", name="c1", user=OPERATOR)
csi = deployment("csi-provisioner", "storage", "mcr.microsoft.com/oss/kubernetes-csi/csi-provisioner:v3.5.0")
csi["spec"]["template"]["spec"]["containers"][0]["args"] = ["--feature-gates=Topology=true", "--v=2"]
CASES["allow-prev-csi-sidecar-gate-not-kubernetes"] = review(
    "CREATE", DEPLOY, "deployments", csi, None, namespace="storage", name="csi-provisioner", user=OPERATOR)
proxy_ds = {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "kube-proxy-custom", "namespace": "networking"},
            "spec": {"template": {"spec": {"containers": [{"name": "proxy", "image": "registry.k8s.io/kube-proxy:v1.30.4",
                                                           "command": ["/bin/sh", "-c", "kube-proxy --config=/var/lib/kube-proxy/config.conf --feature-gates=NFTablesProxyMode=true"]}]}}}}
CASES["deny-prev-kube-proxy-daemonset-shell-flag"] = review(
    "CREATE", DS, "daemonsets", proxy_ds, None, namespace="networking", name="kube-proxy-custom", user=OPERATOR)

# ---- malformed input ------------------------------------------------------------------------
RAW["error-invalid-json"] = '{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": "1",'
no_uid = review("CREATE", POD, "pods", pod, None, namespace="default", name="p")
del no_uid["request"]["uid"]
CASES["error-missing-uid"] = no_uid
patch = review("CREATE", POD, "pods", pod, None, namespace="default", name="p", version="admission.k8s.io/v1beta1")
patch["request"]["operation"] = "PATCH"
CASES["error-unknown-operation-v1beta1"] = patch
CASES["error-missing-request"] = {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview"}
CASES["error-bare-admission-request"] = review("CREATE", POD, "pods", pod, None, namespace="default", name="p")["request"]
wrong = review("CREATE", POD, "pods", pod, None, namespace="default", name="p")
wrong["apiVersion"] = "admission.k8s.io/v2"
CASES["error-unknown-review-version"] = wrong
RAW["error-json-array"] = "[1, 2, 3]\n"
# 200 levels of nesting inside the object: refused before parsing (the limit is 128).
deep = review("CREATE", CM, "configmaps", {"metadata": {"name": "deep", "namespace": "default"}}, None,
              namespace="default", name="deep", user=OPERATOR)
deep["request"]["object"]["data"] = {"x": "y"}
RAW["error-deep-nesting"] = json.dumps(deep).replace('{"x": "y"}', "[" * 200 + "]" * 200)
# A 256 KiB value and a 64 KiB label value on a user ConfigMap: judged normally (allowed).
huge = review("CREATE", CM, "configmaps",
              {"apiVersion": "v1", "kind": "ConfigMap",
               "metadata": {"name": "big", "namespace": "default", "labels": {"contoso.com/blob": "b" * 65536}},
               "data": {"payload": "a" * (256 * 1024)}}, None, namespace="default", name="big", user=OPERATOR)
CASES["allow-huge-strings"] = huge
# The same size in kube-system: denied, and the answer stays small (no echo of the object).
huge_ks = copy.deepcopy(huge)
huge_ks["request"]["namespace"] = "kube-system"
huge_ks["request"]["object"]["metadata"]["namespace"] = "kube-system"
CASES["deny-huge-strings-in-kube-system"] = huge_ks


def main():
    for name, doc in CASES.items():
        with open(os.path.join(HERE, name + ".request.json"), "w") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")
    for name, text in RAW.items():
        with open(os.path.join(HERE, name + ".request.json"), "w") as f:
            f.write(text)
    for name, text in CONFIGS.items():
        with open(os.path.join(HERE, name + ".config.yaml"), "w") as f:
            f.write(text)
    print(f"{len(CASES) + len(RAW)} cases, {len(CONFIGS)} configs")


if __name__ == "__main__":
    main()
