package main

// MGD-1: Microsoft manages every component in kube-system (and the other system namespaces);
// users must not create, change or delete them. The allow-list keeps the everyday operator
// actions working: restarting a pod, draining a node, `kubectl rollout restart`, coredns-custom.

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
)

const restartedAtKey = "kubectl.kubernetes.io/restartedAt"

type managedComponentsRule struct{}

func (managedComponentsRule) ID() string { return "MGD-1" }

func (managedComponentsRule) Evaluate(r *Request, p *Policy, out []Finding) []Finding {
	if r.Operation == "CONNECT" { // exec/attach/port-forward change nothing
		return out
	}
	ns := targetNamespace(r)
	if !p.Config.IsSystemNamespace(ns) {
		return out
	}
	for _, e := range p.Config.ManagedAllow {
		if allowEntryMatches(e, r, ns) {
			return out
		}
	}
	if p.Config.AllowRolloutRestart && isRolloutRestart(r) {
		return out
	}
	kind := r.Kind.Kind
	if kind == "" {
		kind = r.Resource.Resource
	}
	ref := kind + " " + ns + "/" + r.Name
	if r.SubResource != "" {
		ref += " (" + r.SubResource + ")"
	}
	return append(out, Finding{
		Rule: "MGD-1",
		Message: "MGD-1: " + r.Operation + " of " + ref + " by " + r.UserInfo.Username +
			": components in " + ns + " are managed by Microsoft and changing them makes the " +
			"cluster unsupported. Change them only through AKS Arc (az aksarc), or ask your " +
			"platform team to add an exemption if this change is documented by AKS Arc.",
		Summary: "MGD-1: " + r.Operation + " of " + ref + " (managed by AKS Arc)",
	})
}

// targetNamespace is the namespace the write lands in; a Namespace object is its own.
func targetNamespace(r *Request) string {
	if r.Resource.Resource == "namespaces" && r.SubResource == "" {
		return r.Name
	}
	return r.Namespace
}

func fieldMatches(pattern, value string) bool {
	return pattern == "" || pattern == "*" || pattern == value
}

func allowEntryMatches(e AllowEntry, r *Request, ns string) bool {
	if !fieldMatches(e.Resource, r.Resource.Resource) {
		return false
	}
	if e.Subresource != "*" && e.Subresource != r.SubResource {
		return false
	}
	if !fieldMatches(e.Namespace, ns) || !fieldMatches(e.Name, r.Name) {
		return false
	}
	return len(e.Operations) == 0 || contains(e.Operations, r.Operation)
}

// isRolloutRestart is true when the only change from oldObject to object is the pod template's
// restartedAt annotation (what `kubectl rollout restart` writes), plus bookkeeping the API server
// does on every update.
func isRolloutRestart(r *Request) bool {
	if r.Operation != "UPDATE" || r.SubResource != "" || r.object == nil || r.oldObject == nil {
		return false
	}
	var template struct {
		Spec struct {
			Template struct {
				Metadata struct {
					Annotations map[string]any `json:"annotations"`
				} `json:"metadata"`
			} `json:"template"`
		} `json:"spec"`
	}
	if json.Unmarshal(r.object, &template) != nil {
		return false
	}
	if _, ok := template.Spec.Template.Metadata.Annotations[restartedAtKey]; !ok {
		return false
	}
	var before, after any
	if json.Unmarshal(r.oldObject, &before) != nil || json.Unmarshal(r.object, &after) != nil {
		return false
	}
	restarted := false
	for _, op := range jsonDiff(before, after, "", nil) {
		switch {
		case isBookkeepingPath(op.path):
		case isRestartAnnotationOp(op):
			restarted = true
		default:
			return false
		}
	}
	return restarted
}

func isBookkeepingPath(p string) bool {
	return strings.HasPrefix(p, "/metadata/managedFields") || p == "/metadata/resourceVersion" ||
		p == "/metadata/generation" || strings.HasPrefix(p, "/status")
}

// isRestartAnnotationOp: an operation that sets only the restartedAt annotation, or adds the
// annotations map (or the template metadata) holding just that key.
func isRestartAnnotationOp(op patchOp) bool {
	if op.path == "/spec/template/metadata/annotations/kubectl.kubernetes.io~1restartedAt" {
		return true
	}
	if !op.hasValue {
		return false
	}
	value := op.value
	switch op.path {
	case "/spec/template/metadata":
		m, ok := value.(map[string]any)
		if !ok || len(m) != 1 {
			return false
		}
		if value, ok = m["annotations"].(map[string]any); !ok {
			return false
		}
	case "/spec/template/metadata/annotations":
	default:
		return false
	}
	m, ok := value.(map[string]any)
	if !ok || len(m) != 1 {
		return false
	}
	_, has := m[restartedAtKey]
	return has
}

// patchOp is one operation of a JSON Patch (RFC 6902) from one document to another.
type patchOp struct {
	op       string // add, remove, replace
	path     string
	value    any
	hasValue bool
}

// jsonDiff appends the operations that turn source into target.
func jsonDiff(source, target any, path string, ops []patchOp) []patchOp {
	if reflect.DeepEqual(source, target) {
		return ops
	}
	switch s := source.(type) {
	case map[string]any:
		t, ok := target.(map[string]any)
		if !ok {
			break
		}
		for _, k := range sortedKeys(s) {
			child := path + "/" + escapePointer(k)
			if tv, ok := t[k]; ok {
				ops = jsonDiff(s[k], tv, child, ops)
			} else {
				ops = append(ops, patchOp{op: "remove", path: child})
			}
		}
		for _, k := range sortedKeys(t) {
			if _, ok := s[k]; !ok {
				ops = append(ops, patchOp{op: "add", path: path + "/" + escapePointer(k), value: t[k], hasValue: true})
			}
		}
		return ops
	case []any:
		t, ok := target.([]any)
		if !ok {
			break
		}
		i := 0
		for ; i < len(s) && i < len(t); i++ {
			ops = jsonDiff(s[i], t[i], path+"/"+strconv.Itoa(i), ops)
		}
		for j := len(s) - 1; j >= i; j-- {
			ops = append(ops, patchOp{op: "remove", path: path + "/" + strconv.Itoa(j)})
		}
		for ; i < len(t); i++ {
			ops = append(ops, patchOp{op: "add", path: path + "/-", value: t[i], hasValue: true})
		}
		return ops
	}
	return append(ops, patchOp{op: "replace", path: path, value: target, hasValue: true})
}

func escapePointer(key string) string {
	return strings.ReplaceAll(strings.ReplaceAll(key, "~", "~0"), "/", "~1")
}
