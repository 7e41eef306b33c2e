package main

import "strings"

const (
	nodeUserPrefix           = "system:node:"
	serviceAccountUserPrefix = "system:serviceaccount:"
)

var controlPlaneUsers = []string{"system:kube-controller-manager", "system:kube-scheduler",
	"system:apiserver"}

// isSystemActor is true for the cluster's own components, exempt from every rule: the kubelet of
// the node the request is about (username system:node:<name> and group system:nodes), the
// control plane, service accounts of the system namespaces, and the configured exemptions.
// system:masters is not exempt.
func isSystemActor(r *Request, cfg *PolicyConfig) bool {
	user := r.UserInfo.Username
	if user == "" {
		return false
	}
	if isOwnKubelet(r) || contains(controlPlaneUsers, user) {
		return true
	}
	if ns, name, ok := splitServiceAccount(user); ok && isExemptServiceAccount(ns, name, cfg) {
		return true
	}
	if contains(cfg.Exemptions.Users, user) {
		return true
	}
	for _, g := range r.UserInfo.Groups {
		if contains(cfg.Exemptions.Groups, g) {
			return true
		}
	}
	return false
}

// isOwnKubelet: a kubelet acts for its own node only; a kubelet relabelling another node is
// exactly what NODE-2 must catch.
func isOwnKubelet(r *Request) bool {
	user := r.UserInfo.Username
	if !strings.HasPrefix(user, nodeUserPrefix) || !contains(r.UserInfo.Groups, "system:nodes") {
		return false
	}
	node := strings.TrimPrefix(user, nodeUserPrefix)
	if node == "" {
		return false
	}
	aboutNode := r.Resource.Resource == "nodes" || (r.Resource.Resource == "" && r.Kind.Kind == "Node")
	return !aboutNode || r.Name == node
}

func splitServiceAccount(user string) (ns, name string, ok bool) {
	if !strings.HasPrefix(user, serviceAccountUserPrefix) {
		return "", "", false
	}
	ns, name, ok = strings.Cut(strings.TrimPrefix(user, serviceAccountUserPrefix), ":")
	return ns, name, ok && ns != "" && name != ""
}

func isExemptServiceAccount(ns, name string, cfg *PolicyConfig) bool {
	if cfg.IsSystemNamespace(ns) {
		return true
	}
	for _, entry := range cfg.Exemptions.ServiceAccounts {
		entryNS, entryName, ok := strings.Cut(entry, ":")
		if ok && entryNS == ns && (entryName == "*" || entryName == name) {
			return true
		}
	}
	return false
}
