package main

// The policy data read at start-up: the feature-gate facts table (data/feature-gates.json) and the
// alpha API versions of built-in groups (data/alpha-apis.json).

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// KubeVersion is MAJOR.MINOR[.PATCH]; pre-release and build suffixes are ignored.
type KubeVersion struct{ Major, Minor, Patch int }

func (v KubeVersion) MinorString() string { return fmt.Sprintf("%d.%d", v.Major, v.Minor) }

// less compares the full version (patch included).
func (v KubeVersion) less(o KubeVersion) bool {
	if v.Major != o.Major {
		return v.Major < o.Major
	}
	if v.Minor != o.Minor {
		return v.Minor < o.Minor
	}
	return v.Patch < o.Patch
}

func (v KubeVersion) minorOnly() KubeVersion { return KubeVersion{v.Major, v.Minor, 0} }

// compareMinor compares major and minor only.
func compareMinor(a, b KubeVersion) int {
	switch {
	case a.Major < b.Major || (a.Major == b.Major && a.Minor < b.Minor):
		return -1
	case a.Major == b.Major && a.Minor == b.Minor:
		return 0
	}
	return 1
}

// ParseKubeVersion reads "v1.28.5", "1.31", "v1.28.5-kvapkg.1" and the like.
func ParseKubeVersion(text string) (KubeVersion, bool) {
	text = strings.TrimLeft(text, " \"")
	if strings.HasPrefix(text, "v") || strings.HasPrefix(text, "V") {
		text = text[1:]
	}
	number := func(s string) (int, int) {
		n := 0
		for n < len(s) && s[n] >= '0' && s[n] <= '9' {
			n++
		}
		if n == 0 || n > 6 {
			return 0, 0
		}
		v, _ := strconv.Atoi(s[:n])
		return v, n
	}
	var v KubeVersion
	var n int
	if v.Major, n = number(text); n == 0 || n >= len(text) || text[n] != '.' {
		return KubeVersion{}, false
	}
	text = text[n+1:]
	if v.Minor, n = number(text); n == 0 {
		return KubeVersion{}, false
	}
	text = text[n:]
	if strings.HasPrefix(text, ".") {
		if v.Patch, n = number(text[1:]); n == 0 {
			return KubeVersion{}, false
		}
	}
	return v, true
}

type GateStage int

const (
	StageUnknown GateStage = iota
	StageAlpha
	StageBeta
	StageStable
	StageDeprecated
	StageRemoved
)

type stageRange struct {
	stage GateStage
	from  KubeVersion
	to    *KubeVersion // nil when open-ended
}

type FeatureGate struct {
	Name    string
	stages  []stageRange
	removed bool
}

type FeatureGateTable struct {
	gates  map[string]*FeatureGate
	newest KubeVersion
}

type featureGatesFile struct {
	Gates []struct {
		Name   string `json:"name"`
		Stages []struct {
			Stage       string  `json:"stage"`
			FromVersion string  `json:"fromVersion"`
			ToVersion   *string `json:"toVersion"`
		} `json:"stages"`
		Removed bool `json:"removed"`
	} `json:"gates"`
}

func parseFeatureGates(raw []byte) (*FeatureGateTable, error) {
	var doc featureGatesFile
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("feature gates data: %w", err)
	}
	if doc.Gates == nil {
		return nil, errors.New("feature gates data: `gates` missing")
	}
	stages := map[string]GateStage{"alpha": StageAlpha, "beta": StageBeta, "stable": StageStable,
		"deprecated": StageDeprecated}
	t := &FeatureGateTable{gates: make(map[string]*FeatureGate, len(doc.Gates))}
	for _, g := range doc.Gates {
		if g.Name == "" || len(g.Stages) == 0 {
			return nil, fmt.Errorf("feature gates data: gate %q has no name or no stages", g.Name)
		}
		if _, dup := t.gates[g.Name]; dup {
			return nil, fmt.Errorf("feature gates data: duplicate gate %s", g.Name)
		}
		gate := &FeatureGate{Name: g.Name, removed: g.Removed}
		for _, s := range g.Stages {
			stage, ok := stages[s.Stage]
			if !ok {
				return nil, fmt.Errorf("feature gates data: gate %s: bad stage %q", g.Name, s.Stage)
			}
			from, ok := ParseKubeVersion(s.FromVersion)
			if !ok {
				return nil, fmt.Errorf("feature gates data: gate %s: bad fromVersion", g.Name)
			}
			r := stageRange{stage: stage, from: from}
			if s.ToVersion != nil {
				to, ok := ParseKubeVersion(*s.ToVersion)
				if !ok || compareMinor(to, from) < 0 {
					return nil, fmt.Errorf("feature gates data: gate %s: bad toVersion", g.Name)
				}
				to = to.minorOnly()
				r.to = &to
			}
			gate.stages = append(gate.stages, r)
		}
		closeOpenStages(gate)
		for _, r := range gate.stages {
			end := r.from.minorOnly()
			if r.to != nil {
				end = *r.to
			}
			if t.newest.less(end) {
				t.newest = end
			}
		}
		t.gates[g.Name] = gate
	}
	return t, nil
}

// closeOpenStages ends an open-ended stage just before the next stage that starts in a later
// minor, and closes the last stage of a removed gate at its first minor when the table gives no
// end.
func closeOpenStages(g *FeatureGate) {
	for i := range g.stages {
		r := &g.stages[i]
		if r.to != nil {
			continue
		}
		var next *KubeVersion
		for _, o := range g.stages {
			if compareMinor(o.from, r.from) > 0 && (next == nil || compareMinor(o.from, *next) < 0) {
				m := o.from.minorOnly()
				next = &m
			}
		}
		if next != nil && next.Minor > 0 {
			prev := KubeVersion{next.Major, next.Minor - 1, 0}
			r.to = &prev
		}
		if next == nil && g.removed {
			m := r.from.minorOnly()
			r.to = &m
		}
	}
}

func (t *FeatureGateTable) Find(name string) *FeatureGate { return t.gates[name] }

func (t *FeatureGateTable) Newest() KubeVersion { return t.newest }

func (g *FeatureGate) lastMinor() KubeVersion {
	last := g.stages[0].from.minorOnly()
	for _, r := range g.stages {
		end := r.from.minorOnly()
		if r.to != nil {
			end = *r.to
		}
		if last.less(end) {
			last = end
		}
	}
	return last
}

// StageAt returns the stage of the gate at the given minor.
func (t *FeatureGateTable) StageAt(name string, minor KubeVersion) GateStage {
	g := t.gates[name]
	if g == nil {
		return StageUnknown
	}
	if g.removed && compareMinor(minor, g.lastMinor()) > 0 {
		return StageRemoved
	}
	var containing, started *stageRange
	for i := range g.stages {
		r := &g.stages[i]
		if compareMinor(r.from, minor) > 0 {
			continue
		}
		if started == nil || !r.from.less(started.from) {
			started = r
		}
		if r.to == nil || compareMinor(minor, *r.to) <= 0 {
			if containing == nil || !r.from.less(containing.from) {
				containing = r
			}
		}
	}
	if containing != nil {
		return containing.stage
	}
	if started != nil {
		return started.stage
	}
	return StageUnknown
}

// AlphaAPITable knows the built-in API groups and their alpha versions.
type AlphaAPITable struct {
	alpha    map[string]bool // "resource.k8s.io/v1alpha3"
	builtins map[string]bool
}

// Groups served by kube-apiserver itself that the table may not name ("" is the core group).
var wellKnownGroups = []string{"", "apps", "batch", "autoscaling", "policy", "extensions",
	"admissionregistration.k8s.io", "apiextensions.k8s.io", "apiregistration.k8s.io",
	"authentication.k8s.io", "authorization.k8s.io", "certificates.k8s.io",
	"coordination.k8s.io", "discovery.k8s.io", "events.k8s.io", "flowcontrol.apiserver.k8s.io",
	"networking.k8s.io", "node.k8s.io", "rbac.authorization.k8s.io", "scheduling.k8s.io",
	"storage.k8s.io"}

type groupVersionEntry struct {
	GroupVersion string `json:"groupVersion"`
}

type alphaAPIsFile struct {
	Versions []struct {
		Alpha            []groupVersionEntry `json:"alpha"`
		Beta             []groupVersionEntry `json:"beta"`
		ExcludedPackages []groupVersionEntry `json:"excludedPackages"`
	} `json:"versions"`
}

func parseAlphaAPIs(raw []byte) (*AlphaAPITable, error) {
	var doc alphaAPIsFile
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("alpha APIs data: %w", err)
	}
	if doc.Versions == nil {
		return nil, errors.New("alpha APIs data: `versions` missing")
	}
	t := &AlphaAPITable{alpha: map[string]bool{}, builtins: map[string]bool{}}
	for _, g := range wellKnownGroups {
		t.builtins[g] = true
	}
	for _, v := range doc.Versions {
		for _, list := range [][]groupVersionEntry{v.Alpha, v.Beta, v.ExcludedPackages} {
			for _, e := range list {
				if e.GroupVersion == "" {
					return nil, errors.New("alpha APIs data: an entry has no groupVersion")
				}
				group := ""
				if slash := strings.IndexByte(e.GroupVersion, '/'); slash >= 0 {
					group = e.GroupVersion[:slash]
				}
				t.builtins[group] = true
			}
		}
		for _, e := range v.Alpha {
			t.alpha[e.GroupVersion] = true
		}
	}
	return t, nil
}

// IsBuiltinAlpha is true for an alpha version of a built-in Kubernetes API group.
func (t *AlphaAPITable) IsBuiltinAlpha(group, version string) bool {
	if isAlphaVersion(version) && t.builtins[group] {
		return true
	}
	return t.alpha[group+"/"+version]
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// isAlphaVersion is true for "v1alpha1", "v2alpha3" and the like.
func isAlphaVersion(v string) bool {
	if len(v) < 2 || v[0] != 'v' {
		return false
	}
	i := strings.Index(v, "alpha")
	return i >= 0 && allDigits(v[1:i]) && allDigits(v[i+5:])
}

// PolicyData holds the data files.
type PolicyData struct {
	Gates     *FeatureGateTable
	AlphaAPIs *AlphaAPITable
}

func loadPolicyData(dir string) (*PolicyData, error) {
	gatesRaw, err := os.ReadFile(filepath.Join(dir, "feature-gates.json"))
	if err != nil {
		return nil, err
	}
	gates, err := parseFeatureGates(gatesRaw)
	if err != nil {
		return nil, err
	}
	apisRaw, err := os.ReadFile(filepath.Join(dir, "alpha-apis.json"))
	if err != nil {
		return nil, err
	}
	apis, err := parseAlphaAPIs(apisRaw)
	if err != nil {
		return nil, err
	}
	return &PolicyData{Gates: gates, AlphaAPIs: apis}, nil
}
