package main

// The policy configuration: rule modes, exemptions, allow-lists, protected prefixes, system
// namespaces and the cluster version. Read from data/default-policy.yaml at start-up, optionally
// overlaid with a --config file (same keys; lists replace the defaults).

import (
	"fmt"
	"os"
)

type Mode int

const (
	ModeDeny Mode = iota
	ModeWarn
	ModeAudit
)

var ruleIDs = []string{"NODE-2", "MGD-1", "PREV-1"}

// AllowEntry is one MGD-1 allow-list entry. Empty fields and "*" match anything, except
// Subresource, where "" means the object itself and only "*" matches any subresource.
type AllowEntry struct {
	Resource    string
	Subresource string
	Namespace   string
	Name        string
	Operations  []string
}

type Exemptions struct {
	Users           []string
	Groups          []string
	ServiceAccounts []string // "namespace:name" or "namespace:*"
}

type PolicyConfig struct {
	ClusterVersion      *KubeVersion
	DryRun              bool
	Modes               map[string]Mode
	ProtectedDomains    []string
	UserKeyPrefixes     []string
	SystemNamespaces    []string
	ManagedAllow        []AllowEntry
	AllowRolloutRestart bool
	Exemptions          Exemptions
}

func (c *PolicyConfig) ModeOf(rule string) Mode { return c.Modes[rule] } // missing: deny

func (c *PolicyConfig) IsSystemNamespace(ns string) bool {
	return ns != "" && contains(c.SystemNamespaces, ns)
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

// Policy is everything a decision needs; immutable once built.
type Policy struct {
	Config         PolicyConfig
	Data           *PolicyData
	ClusterVersion KubeVersion // configured, or the data's newest minor
	VersionKnown   bool
}

func loadPolicy(dataDir, configFile, clusterVersion string) (*Policy, error) {
	data, err := loadPolicyData(dataDir)
	if err != nil {
		return nil, err
	}
	cfg := PolicyConfig{Modes: map[string]Mode{}, AllowRolloutRestart: true}
	for _, file := range []string{dataDir + "/default-policy.yaml", configFile} {
		if file == "" {
			continue
		}
		text, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		if err := applyPolicyYAML(string(text), &cfg); err != nil {
			return nil, fmt.Errorf("%s: policy configuration: %w", file, err)
		}
	}
	if clusterVersion != "" {
		v, ok := ParseKubeVersion(clusterVersion)
		if !ok {
			return nil, fmt.Errorf("--cluster-version %q is not a Kubernetes version", clusterVersion)
		}
		cfg.ClusterVersion = &v
	}
	p := &Policy{Config: cfg, Data: data}
	if cfg.ClusterVersion != nil {
		p.ClusterVersion, p.VersionKnown = *cfg.ClusterVersion, true
	} else {
		p.ClusterVersion = data.Gates.Newest()
	}
	return p, nil
}

// applyPolicyYAML lays one YAML document over cfg, key by key.
func applyPolicyYAML(text string, cfg *PolicyConfig) error {
	doc, err := parseYAML(text)
	if err != nil {
		return fmt.Errorf("invalid YAML: %w", err)
	}
	if doc.Kind == yamlNull {
		return nil
	}
	if doc.Kind != yamlMap {
		return fmt.Errorf("expected a YAML map at the top")
	}
	for i, k := range doc.Keys {
		if k.Kind != yamlScalar {
			return fmt.Errorf("keys must be strings")
		}
		if err := applyKey(k.Value, doc.Values[i], cfg); err != nil {
			return err
		}
	}
	return nil
}

func yamlString(n *yamlNode, key string) (string, error) {
	if n.Kind == yamlNull {
		return "", nil
	}
	if n.Kind != yamlScalar {
		return "", fmt.Errorf("%s: expected a string", key)
	}
	return n.Value, nil
}

func yamlBool(n *yamlNode, key string) (bool, error) {
	b, ok := n.Bool()
	if !ok {
		return false, fmt.Errorf("%s: expected true or false", key)
	}
	return b, nil
}

func yamlStrings(n *yamlNode, key string) ([]string, error) {
	if n.Kind == yamlNull {
		return nil, nil
	}
	if n.Kind != yamlSeq {
		return nil, fmt.Errorf("%s: expected a list of strings", key)
	}
	out := make([]string, 0, len(n.Items))
	for i, item := range n.Items {
		if item.Kind != yamlScalar {
			return nil, fmt.Errorf("%s[%d]: expected a string", key, i)
		}
		out = append(out, item.Value)
	}
	return out, nil
}

func applyKey(key string, v *yamlNode, cfg *PolicyConfig) (err error) {
	switch key {
	case "apiVersion", "kind":
	case "clusterVersion":
		text, err := yamlString(v, key)
		if err != nil {
			return err
		}
		cfg.ClusterVersion = nil
		if text != "" {
			version, ok := ParseKubeVersion(text)
			if !ok {
				return fmt.Errorf("clusterVersion: %q is not a Kubernetes version", text)
			}
			cfg.ClusterVersion = &version
		}
	case "dryRun":
		cfg.DryRun, err = yamlBool(v, key)
	case "rules":
		if v.Kind == yamlNull {
			return nil
		}
		if v.Kind != yamlMap {
			return fmt.Errorf("rules: expected a map of rule ID to mode")
		}
		for i, k := range v.Keys {
			if !contains(ruleIDs, k.Value) {
				return fmt.Errorf("rules: unknown rule ID %q (known: NODE-2, MGD-1, PREV-1)", k.Value)
			}
			modes := map[string]Mode{"deny": ModeDeny, "warn": ModeWarn, "audit": ModeAudit}
			mode, ok := modes[v.Values[i].Value]
			if !ok || v.Values[i].Kind != yamlScalar {
				return fmt.Errorf("rules.%s: unknown mode %q (deny, warn or audit)", k.Value, v.Values[i].Value)
			}
			cfg.Modes[k.Value] = mode
		}
	case "protectedDomains":
		cfg.ProtectedDomains, err = yamlStrings(v, key)
	case "userKeyPrefixes":
		cfg.UserKeyPrefixes, err = yamlStrings(v, key)
	case "systemNamespaces":
		cfg.SystemNamespaces, err = yamlStrings(v, key)
	case "managedComponentsAllow":
		cfg.ManagedAllow, err = allowEntries(v, key)
	case "allowRolloutRestart":
		cfg.AllowRolloutRestart, err = yamlBool(v, key)
	case "exemptions":
		cfg.Exemptions, err = exemptions(v)
	default:
		return fmt.Errorf("%s: unknown key", key)
	}
	return err
}

func allowEntries(v *yamlNode, key string) ([]AllowEntry, error) {
	if v.Kind == yamlNull {
		return nil, nil
	}
	if v.Kind != yamlSeq {
		return nil, fmt.Errorf("%s: expected a list", key)
	}
	var out []AllowEntry
	for i, item := range v.Items {
		where := fmt.Sprintf("%s[%d]", key, i)
		if item.Kind != yamlMap {
			return nil, fmt.Errorf("%s: expected a map", where)
		}
		var e AllowEntry
		for j, k := range item.Keys {
			field, value := k.Value, item.Values[j]
			var err error
			switch field {
			case "resource":
				e.Resource, err = yamlString(value, where+"."+field)
			case "subresource":
				e.Subresource, err = yamlString(value, where+"."+field)
			case "namespace":
				e.Namespace, err = yamlString(value, where+"."+field)
			case "name":
				e.Name, err = yamlString(value, where+"."+field)
			case "reason":
				_, err = yamlString(value, where+"."+field)
			case "operations":
				e.Operations, err = yamlStrings(value, where+"."+field)
				for _, op := range e.Operations {
					if !contains([]string{"CREATE", "UPDATE", "DELETE", "CONNECT"}, op) {
						return nil, fmt.Errorf("%s.operations: unknown operation %q", where, op)
					}
				}
			default:
				return nil, fmt.Errorf("%s.%s: unknown key", where, field)
			}
			if err != nil {
				return nil, err
			}
		}
		out = append(out, e)
	}
	return out, nil
}

func exemptions(v *yamlNode) (Exemptions, error) {
	var ex Exemptions
	if v.Kind == yamlNull {
		return ex, nil
	}
	if v.Kind != yamlMap {
		return ex, fmt.Errorf("exemptions: expected a map")
	}
	for i, k := range v.Keys {
		var err error
		switch k.Value {
		case "users":
			ex.Users, err = yamlStrings(v.Values[i], "exemptions.users")
		case "groups":
			ex.Groups, err = yamlStrings(v.Values[i], "exemptions.groups")
		case "serviceAccounts":
			ex.ServiceAccounts, err = yamlStrings(v.Values[i], "exemptions.serviceAccounts")
		default:
			return ex, fmt.Errorf("exemptions.%s: unknown key", k.Value)
		}
		if err != nil {
			return ex, err
		}
	}
	return ex, nil
}
