package main

// NODE-2: on a Node UPDATE, every label or annotation key under a protected domain that is
// added, changed or removed is a finding; keys under any other prefix are the user's.

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
)

type nodeMetadataRule struct{}

func (nodeMetadataRule) ID() string { return "NODE-2" }

// nodeMeta is the part of a Node that NODE-2 reads. Values are decoded as any so that a value of
// an unexpected type is still compared, not rejected.
type nodeMeta struct {
	Metadata struct {
		Labels      map[string]any `json:"labels"`
		Annotations map[string]any `json:"annotations"`
	} `json:"metadata"`
}

func (nodeMetadataRule) Evaluate(r *Request, p *Policy, out []Finding) []Finding {
	if r.Operation != "UPDATE" {
		return out
	}
	isNode := r.Resource.Resource == "nodes" ||
		(r.Resource.Resource == "" && r.Kind.Kind == "Node" && r.Kind.Group == "")
	// Without the old object nothing can be compared: a hand-made request, judged as unchanged.
	if !isNode || r.object == nil || r.oldObject == nil {
		return out
	}
	var now, before nodeMeta
	// A metadata map of the wrong type counts as absent, like a missing one.
	_ = json.Unmarshal(r.object, &now)
	_ = json.Unmarshal(r.oldObject, &before)
	for _, field := range []string{"labels", "annotations"} {
		b, a := before.Metadata.Labels, now.Metadata.Labels
		if field == "annotations" {
			b, a = before.Metadata.Annotations, now.Metadata.Annotations
		}
		for _, c := range protectedChanges(b, a, &p.Config) {
			out = append(out, nodeFinding(r, field, c))
		}
	}
	return out
}

type metadataChange struct {
	key           string
	before, after any
	added         bool
	removed       bool
}

func protectedChanges(before, after map[string]any, cfg *PolicyConfig) []metadataChange {
	var changes []metadataChange
	for _, key := range sortedKeys(after) {
		if !isProtectedKey(key, cfg) {
			continue
		}
		old, had := before[key]
		if !had || !jsonEqual(old, after[key]) {
			changes = append(changes, metadataChange{key: key, before: old, after: after[key], added: !had})
		}
	}
	for _, key := range sortedKeys(before) {
		if _, still := after[key]; !still && isProtectedKey(key, cfg) {
			changes = append(changes, metadataChange{key: key, before: before[key], removed: true})
		}
	}
	return changes
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func isProtectedKey(key string, cfg *PolicyConfig) bool {
	for _, prefix := range cfg.UserKeyPrefixes {
		if strings.HasPrefix(key, prefix) {
			return false
		}
	}
	domain, _, prefixed := strings.Cut(key, "/")
	if !prefixed || domain == "" {
		return false
	}
	for _, pd := range cfg.ProtectedDomains {
		pd = strings.TrimSuffix(pd, "/")
		if domain == pd || strings.HasSuffix(domain, "."+pd) {
			return true
		}
	}
	return false
}

func jsonEqual(a, b any) bool { return reflect.DeepEqual(a, b) }

func quoted(v any) string {
	if s, ok := v.(string); ok {
		return `"` + s + `"`
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func nodeFinding(r *Request, field string, c metadataChange) Finding {
	what := "label"
	if field == "annotations" {
		what = "annotation"
	}
	var desc, verb string
	switch {
	case c.added:
		desc, verb = fmt.Sprintf("%s added (%s)", c.key, quoted(c.after)), "added"
	case c.removed:
		desc, verb = fmt.Sprintf("%s removed (was %s)", c.key, quoted(c.before)), "removed"
	default:
		desc, verb = fmt.Sprintf("%s changed %s -> %s", c.key, quoted(c.before), quoted(c.after)), "changed"
	}
	return Finding{
		Rule: "NODE-2",
		Message: fmt.Sprintf("NODE-2: system-created %s %s on Node %s (metadata.%s). Changing "+
			"system-created metadata makes the cluster unsupported; add your own keys under "+
			"another prefix instead.", what, desc, r.Name, field),
		Summary: fmt.Sprintf("NODE-2: system %s %s %s on Node %s", what, c.key, verb, r.Name),
	}
}
