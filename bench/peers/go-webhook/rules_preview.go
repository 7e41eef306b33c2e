package main

// PREV-1: enabling a feature gate that is alpha in the cluster's version (or AllAlpha=true), or an
// alpha API with --runtime-config, anywhere a write can do it; and writing objects of alpha
// versions of built-in API groups. Unknown, removed and deprecated gates, and alpha settings that
// were already on before the write, are notices (warnings), not violations.

import (
	"encoding/json"
	"strconv"
)

const (
	prevRule       = "PREV-1"
	prevWhy        = "AKS Arc supports only stable (GA) and beta features of upstream Kubernetes; alpha feature gates and alpha APIs are not supported."
	maxPrevFinds   = 20
	alreadyEnabled = " It was already enabled before this change, so the change is allowed, but the cluster stays outside AKS Arc support."
)

type previewFeaturesRule struct{}

func (previewFeaturesRule) ID() string { return prevRule }

func (previewFeaturesRule) Evaluate(r *Request, p *Policy, out []Finding) []Finding {
	if (r.Operation != "CREATE" && r.Operation != "UPDATE") || r.object == nil {
		return out
	}
	// A status write cannot change what an object enables.
	if r.SubResource == "status" {
		return out
	}
	j := newPrevJudge(r, p, out)
	j.alphaAPI()
	now := settingsOf(r.object, r)
	var before FeatureSettings
	if r.Operation == "UPDATE" {
		before = settingsOf(r.oldObject, r)
	}
	j.gates(now, before)
	j.runtimeConfig(now, before)
	for _, problem := range now.Problems {
		j.add(Notice, prevRule+": "+j.object+": "+problem+"; the feature gates there could not be checked.",
			prevRule+": could not read feature gates in "+j.object)
	}
	return j.finish()
}

func settingsOf(raw json.RawMessage, r *Request) FeatureSettings {
	if raw == nil {
		return FeatureSettings{}
	}
	name := r.Name
	if name == "" {
		name = objectMeta(raw).Name
	}
	return extractFeatureSettings(raw, r.Kind.Kind, r.Namespace, name)
}

type metaNames struct {
	Name         string `json:"name"`
	GenerateName string `json:"generateName"`
}

func objectMeta(raw json.RawMessage) metaNames {
	var o struct {
		Metadata metaNames `json:"metadata"`
	}
	_ = json.Unmarshal(raw, &o)
	return o.Metadata
}

// prevJudge judges one write and holds what every message repeats.
type prevJudge struct {
	r                 *Request
	p                 *Policy
	out               []Finding
	object, version   string
	note              string
	added, heldBack   int
	heldBackViolation bool
}

func newPrevJudge(r *Request, p *Policy, out []Finding) *prevJudge {
	j := &prevJudge{r: r, p: p, out: out, version: p.ClusterVersion.MinorString()}
	name := r.Name
	if name == "" {
		meta := objectMeta(r.object)
		name = meta.Name
		if name == "" && meta.GenerateName != "" {
			name = meta.GenerateName + "*"
		}
	}
	if name == "" {
		name = "(unnamed)"
	}
	kind := r.Kind.Kind
	if kind == "" {
		kind = "object"
	}
	j.object = kind + " " + name
	if r.Namespace != "" {
		j.object = kind + " " + r.Namespace + "/" + name
	}
	newest := p.Data.Gates.Newest()
	if !p.VersionKnown {
		j.note = " (cluster version unknown; judged as of " + j.version + ")"
	} else if compareMinor(p.ClusterVersion, newest) > 0 {
		j.note = " (the data knows Kubernetes up to " + newest.MinorString() + ")"
	}
	return j
}

func (j *prevJudge) add(sev Severity, message, summary string) {
	if j.added == maxPrevFinds {
		j.heldBack++
		j.heldBackViolation = j.heldBackViolation || sev == Violation
		return
	}
	j.added++
	j.out = append(j.out, Finding{Rule: prevRule, Severity: sev, Message: message, Summary: summary})
}

func (j *prevJudge) finish() []Finding {
	if j.heldBack == 0 {
		return j.out
	}
	sev, tail := Notice, "."
	if j.heldBackViolation {
		sev, tail = Violation, ", alpha settings among them."
	}
	n := strconv.Itoa(j.heldBack)
	return append(j.out, Finding{Rule: prevRule, Severity: sev,
		Message: prevRule + ": " + j.object + ": " + n + " more PREV-1 findings not shown" + tail,
		Summary: prevRule + ": " + n + " more findings in " + j.object})
}

func (j *prevJudge) alphaAPI() {
	gvk := j.r.RequestKind
	if gvk.Version == "" {
		gvk = j.r.Kind
	}
	gvr := j.r.RequestResource
	if gvr.Version == "" {
		gvr = j.r.Resource
	}
	apis := j.p.Data.AlphaAPIs
	group, version := gvk.Group, gvk.Version
	if !apis.IsBuiltinAlpha(group, version) {
		if !apis.IsBuiltinAlpha(gvr.Group, gvr.Version) {
			return
		}
		group, version = gvr.Group, gvr.Version
	}
	gv := version
	if group != "" {
		gv = group + "/" + version
	}
	kind := gvk.Kind
	if kind == "" {
		kind = gvr.Resource
	}
	// Denying updates of an object that already exists would block its cleanup.
	existed := j.r.Operation == "UPDATE" && j.r.oldObject != nil
	message := prevRule + ": " + gv + " " + kind + " is an alpha API of Kubernetes (" + j.object + ")" +
		j.note + ". " + prevWhy
	if existed {
		j.add(Notice, message+" The object already exists; delete it, or move to a beta or GA version of the API, to return to support.",
			prevRule+": alpha API "+gv+" "+kind+" (existing)")
		return
	}
	j.add(Violation, message+" Fix: use a beta or GA version of "+kind+" if the cluster serves one, or do not use this API.",
		prevRule+": alpha API "+gv+" "+kind)
}

func (j *prevJudge) gates(now, before FeatureSettings) {
	old := map[string]bool{}
	for _, s := range effectiveGateSettings(before.Gates) {
		if s.Enabled {
			old[s.Gate] = true
		}
	}
	for _, s := range effectiveGateSettings(now.Gates) {
		j.gate(s, old[s.Gate])
	}
}

func boolText(b bool) string { return strconv.FormatBool(b) }

func (j *prevJudge) gate(s GateSetting, beforeToo bool) {
	setting := s.Gate + "=" + boolText(s.Enabled)
	if s.Gate == "AllAlpha" || s.Gate == "AllBeta" {
		if s.Gate == "AllAlpha" && s.Enabled {
			j.violation(beforeToo, "AllAlpha=true", "AllAlpha=true turns on every alpha feature gate of Kubernetes "+j.version, setting, s.Where)
		}
		return
	}
	table := j.p.Data.Gates
	switch table.StageAt(s.Gate, j.p.ClusterVersion) {
	case StageAlpha:
		if s.Enabled {
			j.violation(beforeToo, "alpha feature gate "+setting, "feature gate "+s.Gate+" is alpha in Kubernetes "+j.version, setting, s.Where)
		}
	case StageDeprecated:
		if s.Enabled {
			j.notice(s, "deprecated", "feature gate "+s.Gate+" is deprecated in Kubernetes "+j.version+" and will be removed",
				"Plan to remove "+setting+" from "+s.Where+".")
		}
	case StageRemoved:
		j.notice(s, "removed", "feature gate "+s.Gate+" is removed in Kubernetes "+j.version+
			" (last accepted in "+table.Find(s.Gate).lastMinor().MinorString()+"); the component will refuse to start",
			"Remove "+setting+" from "+s.Where+".")
	case StageUnknown:
		if known := table.Find(s.Gate); known != nil {
			j.notice(s, "not yet existing", "feature gate "+s.Gate+" does not exist yet in Kubernetes "+j.version+
				" (it first appears in "+known.stages[0].from.MinorString()+"); the component will refuse to start",
				"Remove "+setting+" from "+s.Where+".")
			return
		}
		j.notice(s, "unknown", "unknown feature gate "+s.Gate+" (not in the Kubernetes "+j.version+
			" table); its stage cannot be checked and the component may refuse to start",
			"Check the spelling, or remove "+setting+" from "+s.Where+".")
	}
}

func (j *prevJudge) notice(s GateSetting, label, what, fix string) {
	j.add(Notice, prevRule+": "+j.object+" sets "+s.Gate+"="+boolText(s.Enabled)+" in "+s.Where+": "+what+j.note+". "+fix,
		prevRule+": "+label+" feature gate "+s.Gate+" in "+j.object)
}

func (j *prevJudge) violation(beforeToo bool, title, what, setting, where string) {
	message := prevRule + ": " + j.object + " sets " + setting + " in " + where + ": " + what + j.note + ". " + prevWhy
	summary := prevRule + ": " + title + " in " + j.object
	if beforeToo {
		j.add(Notice, message+alreadyEnabled+" Remove "+setting+" from "+where+" to return to support.", summary+" (already enabled)")
		return
	}
	j.add(Violation, message+" Fix: remove "+setting+" from "+where+".", summary)
}

func (j *prevJudge) runtimeConfig(now, before FeatureSettings) {
	old := map[string]bool{}
	for _, o := range before.RuntimeConfig {
		if o.Enabled {
			old[o.Key] = true
		}
	}
	for _, s := range now.RuntimeConfig {
		if !s.Enabled {
			continue
		}
		group, version := groupVersionOf(s.Key)
		var what string
		switch {
		case s.Key == "api/all":
			what = "api/all=true turns on every API version of Kubernetes, alpha ones included"
		case s.Key == "api/alpha":
			what = "api/alpha=true turns on every alpha API version of Kubernetes"
		case j.p.Data.AlphaAPIs.IsBuiltinAlpha(group, version):
			what = s.Key + " is an alpha API of Kubernetes"
		default:
			continue
		}
		j.violation(old[s.Key], "runtime-config "+s.Key+"=true", what, s.Key+"=true", s.Where)
	}
}
