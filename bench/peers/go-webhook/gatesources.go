package main

// Where a write can switch on a preview feature: the kube-system ConfigMaps that configure the
// kubelet, kube-proxy and the control plane (kubeadm), and the --feature-gates / --runtime-config
// flags of Kubernetes components in pod templates. Gates of other programs (a CSI sidecar's
// --feature-gates) are not judged.

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

const (
	maxEntries   = 1000
	maxProblems  = 5
	maxExpansion = 1 << 20 // bytes of $(VAR) expansion per object
)

var componentPrograms = []string{"kube-apiserver", "kube-controller-manager", "kube-scheduler",
	"kube-proxy", "kubelet", "hyperkube"}

var commandStarters = []string{"exec", "&&", "||", ";", "|", "&"}

type GateSetting struct {
	Gate    string
	Enabled bool
	Where   string
}

type RuntimeConfigSetting struct {
	Key     string
	Enabled bool
	Where   string
}

type FeatureSettings struct {
	Gates         []GateSetting
	RuntimeConfig []RuntimeConfigSetting
	Problems      []string
}

// ---- typed views of the objects that carry settings ----

type EnvVar struct {
	Name  string  `json:"name"`
	Value *string `json:"value"`
}

type Container struct {
	Name    string   `json:"name"`
	Image   string   `json:"image"`
	Command []string `json:"command"`
	Args    []string `json:"args"`
	Env     []EnvVar `json:"env"`
}

type PodSpec struct {
	InitContainers      []Container `json:"initContainers"`
	Containers          []Container `json:"containers"`
	EphemeralContainers []Container `json:"ephemeralContainers"`
}

type PodTemplateSpec struct {
	Spec *PodSpec `json:"spec"`
}

type ConfigMap struct {
	Data map[string]any `json:"data"`
}

// podSpecOf decodes the pod spec of a workload object; prefix is its path for messages.
func podSpecOf(raw json.RawMessage, kind string) (spec *PodSpec, prefix string) {
	switch kind {
	case "Pod":
		var pod struct {
			Spec *PodSpec `json:"spec"`
		}
		_ = json.Unmarshal(raw, &pod)
		return pod.Spec, "spec"
	case "PodTemplate":
		var pt struct {
			Template PodTemplateSpec `json:"template"`
		}
		_ = json.Unmarshal(raw, &pt)
		return pt.Template.Spec, "template.spec"
	case "Deployment", "DaemonSet", "StatefulSet", "ReplicaSet", "ReplicationController", "Job":
		var w struct {
			Spec struct {
				Template PodTemplateSpec `json:"template"`
			} `json:"spec"`
		}
		_ = json.Unmarshal(raw, &w)
		return w.Spec.Template.Spec, "spec.template.spec"
	case "CronJob":
		var cj struct {
			Spec struct {
				JobTemplate struct {
					Spec struct {
						Template PodTemplateSpec `json:"template"`
					} `json:"spec"`
				} `json:"jobTemplate"`
			} `json:"spec"`
		}
		_ = json.Unmarshal(raw, &cj)
		return cj.Spec.JobTemplate.Spec.Template.Spec, "spec.jobTemplate.spec.template.spec"
	}
	return nil, ""
}

// extractFeatureSettings reads the settings an object carries.
func extractFeatureSettings(raw json.RawMessage, kind, namespace, name string) FeatureSettings {
	var out FeatureSettings
	if kind == "ConfigMap" {
		if namespace == "kube-system" {
			readKubeSystemConfigMap(raw, name, &out)
		}
		return out
	}
	if spec, prefix := podSpecOf(raw, kind); spec != nil {
		readPodSpec(spec, prefix, &out)
	}
	return out
}

// ---- strings ----

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func trim(s string) string { return strings.Trim(s, " \t\n\r") }

func stripQuotes(s string) string {
	s = trim(s)
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		s = s[1 : len(s)-1]
	}
	return s
}

func splitWords(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r < 128 && isSpace(byte(r)) })
}

// parseGoBool is strconv.ParseBool, case-insensitively.
func parseGoBool(text string) (bool, bool) {
	switch strings.ToLower(stripQuotes(text)) {
	case "true", "t", "1":
		return true, true
	case "false", "f", "0":
		return false, true
	}
	return false, false
}

func shown(s string) string {
	if len(s) > 60 {
		return `"` + s[:60] + `..."`
	}
	return `"` + s + `"`
}

// ---- Kubernetes components in containers ----

func isComponent(program string) bool { return contains(componentPrograms, program) }

// programName: "/usr/local/bin/kube-proxy" -> "kube-proxy"; "kube-proxy.exe" -> "kube-proxy".
func programName(p string) string {
	p = stripQuotes(p)
	if slash := strings.LastIndexAny(p, `/\`); slash >= 0 {
		p = p[slash+1:]
	}
	if len(p) > 4 && strings.HasSuffix(p, ".exe") {
		p = p[:len(p)-4]
	}
	return p
}

// imageName: "registry.k8s.io/kube-proxy:v1.30.3@sha256:..." -> "kube-proxy", without an
// architecture suffix ("kube-apiserver-amd64").
func imageName(image string) string {
	image, _, _ = strings.Cut(image, "@")
	if slash := strings.LastIndexByte(image, '/'); slash >= 0 {
		image = image[slash+1:]
	}
	image, _, _ = strings.Cut(image, ":")
	for _, arch := range []string{"-amd64", "-arm64", "-arm", "-ppc64le", "-s390x"} {
		if len(image) > len(arch) && strings.HasSuffix(image, arch) {
			return strings.TrimSuffix(image, arch)
		}
	}
	return image
}

func isScript(arg string) bool {
	return arg != "" && arg[0] != '-' && strings.ContainsAny(trim(arg), " \t\n")
}

// scriptRunsComponent: a shell script whose first word, or a word after exec/&&/;/|, is a
// Kubernetes component.
func scriptRunsComponent(script string) bool {
	commandPosition := true
	for _, word := range splitWords(script) {
		if commandPosition && isComponent(programName(word)) {
			return true
		}
		commandPosition = strings.HasSuffix(word, ";") || contains(commandStarters, word)
	}
	return false
}

func runsComponent(c *Container) bool {
	if isComponent(c.Name) || isComponent(imageName(c.Image)) {
		return true
	}
	if len(c.Command) > 0 && isComponent(programName(c.Command[0])) {
		return true
	}
	for _, list := range [][]string{c.Command, c.Args} {
		for _, arg := range list {
			if isScript(arg) && scriptRunsComponent(arg) {
				return true
			}
		}
	}
	return false
}

type arg struct {
	text  string
	field string // "command" or "args"
}

// expandEnv expands $(VAR) from the container's literal env values and $$ to $, as Kubernetes
// does; unknown references stay, and so do those past the object's expansion budget.
func expandEnv(text string, env map[string]string, budget *int) string {
	if !strings.Contains(text, "$") {
		return text
	}
	var out strings.Builder
	closing := strings.IndexByte(text, ')')
	for i := 0; i < len(text); i++ {
		if strings.HasPrefix(text[i:], "$$") {
			out.WriteByte('$')
			i++
			continue
		}
		if strings.HasPrefix(text[i:], "$(") {
			if closing >= 0 && closing < i {
				if c := strings.IndexByte(text[i:], ')'); c >= 0 {
					closing = i + c
				} else {
					closing = -1
				}
			}
			if closing >= 0 {
				if value, ok := env[text[i+2:closing]]; ok && len(value) <= *budget {
					*budget -= len(value)
					out.WriteString(value)
					i = closing
					continue
				}
			}
		}
		out.WriteByte(text[i])
	}
	return out.String()
}

func argvOf(c *Container, budget *int) []arg {
	env := map[string]string{}
	for _, v := range c.Env {
		if v.Value != nil {
			env[v.Name] = *v.Value
		}
	}
	argv := make([]arg, 0, len(c.Command)+len(c.Args))
	for _, a := range c.Command {
		argv = append(argv, arg{expandEnv(a, env, budget), "command"})
	}
	for _, a := range c.Args {
		argv = append(argv, arg{expandEnv(a, env, budget), "args"})
	}
	return argv
}

// flagValue reads `--flag=value` or `--flag value` at argv[*i], advancing past a separate value.
func flagValue(argv []arg, i *int, flag string) (string, bool) {
	a := argv[*i].text
	if !strings.HasPrefix(a, flag) {
		return "", false
	}
	rest := a[len(flag):]
	if rest == "" {
		if *i+1 < len(argv) {
			*i++
			return argv[*i].text, true
		}
		return "", true
	}
	if rest[0] == '=' {
		return rest[1:], true
	}
	return "", false // another flag that starts the same way
}

func scriptWords(script arg) []arg {
	var words []arg
	for _, w := range splitWords(script.text) {
		words = append(words, arg{strings.TrimRight(stripQuotes(w), ";"), script.field})
	}
	return words
}

func scanArgv(argv []arg, base string, out *FeatureSettings) {
	for i := 0; i < len(argv); i++ {
		where := base + "." + argv[i].field
		if value, ok := flagValue(argv, &i, "--feature-gates"); ok {
			out.Gates = append(out.Gates, parseFeatureGatesValue(value, where, &out.Problems)...)
		} else if value, ok := flagValue(argv, &i, "--runtime-config"); ok {
			out.RuntimeConfig = append(out.RuntimeConfig, parseRuntimeConfigValue(value, where, &out.Problems)...)
		} else if isScript(argv[i].text) {
			scanArgv(scriptWords(argv[i]), base, out) // sh -c "kube-proxy --feature-gates=..."
		}
	}
}

func readPodSpec(spec *PodSpec, prefix string, out *FeatureSettings) {
	budget := maxExpansion
	lists := []struct {
		name       string
		containers []Container
	}{{"initContainers", spec.InitContainers}, {"containers", spec.Containers},
		{"ephemeralContainers", spec.EphemeralContainers}}
	for _, list := range lists {
		for i := range list.containers {
			c := &list.containers[i]
			if !runsComponent(c) {
				continue
			}
			id := c.Name
			if id == "" {
				id = strconv.Itoa(i)
			}
			scanArgv(argvOf(c, &budget), prefix+"."+list.name+"["+id+"]", out)
		}
	}
}

// ---- NAME=BOOL lists ----

type listEntry struct {
	name    string
	enabled bool
}

// parseList parses "NAME=BOOL,NAME=BOOL"; bareMeansTrue reads "NAME" alone as NAME=true.
func parseList(value, where, what string, bareMeansTrue bool, problems *[]string) []listEntry {
	var entries []listEntry
	bad := 0
	rest := stripQuotes(value)
	for rest != "" {
		var entry string
		if comma := strings.IndexByte(rest, ','); comma >= 0 {
			entry, rest = trim(rest[:comma]), rest[comma+1:]
		} else {
			entry, rest = trim(rest), ""
		}
		if entry == "" {
			continue
		}
		if len(entries)+bad == maxEntries {
			*problems = append(*problems, fmt.Sprintf("%s: more than %d entries; the rest were not read", where, maxEntries))
			break
		}
		name, val, hasEq := strings.Cut(entry, "=")
		name = trim(name)
		enabled, ok := false, false
		if hasEq && trim(val) != "" {
			enabled, ok = parseGoBool(val)
		} else if bareMeansTrue {
			enabled, ok = true, true
		}
		if name != "" && ok {
			entries = append(entries, listEntry{name, enabled})
		} else if bad++; bad <= maxProblems {
			*problems = append(*problems, fmt.Sprintf("%s: %s entry %s is not NAME=true|false", where, what, shown(entry)))
		}
	}
	if bad > maxProblems {
		*problems = append(*problems, fmt.Sprintf("%s: %d more %s entries are not NAME=true|false", where, bad-maxProblems, what))
	}
	return entries
}

func parseFeatureGatesValue(value, where string, problems *[]string) []GateSetting {
	var out []GateSetting
	for _, e := range parseList(value, where, "feature gate", false, problems) {
		out = append(out, GateSetting{e.name, e.enabled, where})
	}
	return out
}

func parseRuntimeConfigValue(value, where string, problems *[]string) []RuntimeConfigSetting {
	var out []RuntimeConfigSetting
	for _, e := range parseList(value, where, "runtime-config", true, problems) {
		out = append(out, RuntimeConfigSetting{e.name, e.enabled, where})
	}
	return out
}

// effectiveGateSettings collapses repeats of a gate in one place: the last one wins.
func effectiveGateSettings(settings []GateSetting) []GateSetting {
	type key struct{ gate, where string }
	var out []GateSetting
	seen := map[key]int{}
	for _, s := range settings {
		if i, ok := seen[key{s.Gate, s.Where}]; ok {
			out[i].Enabled = s.Enabled
			continue
		}
		seen[key{s.Gate, s.Where}] = len(out)
		out = append(out, s)
	}
	return out
}

// groupVersionOf: "resource.k8s.io/v1alpha3" -> ("resource.k8s.io", "v1alpha3"); "api/v1" is the
// core group.
func groupVersionOf(key string) (group, version string) {
	group, version, ok := strings.Cut(key, "/")
	if !ok {
		return "", ""
	}
	version, _, _ = strings.Cut(version, "/")
	if group == "api" {
		group = ""
	}
	return group, version
}

// ---- kube-system ConfigMaps ----

func readKubeSystemConfigMap(raw json.RawMessage, name string, out *FeatureSettings) {
	isKubelet := name == "kubelet-config" || strings.HasPrefix(name, "kubelet-config-1.")
	if !isKubelet && name != "kube-proxy" && name != "kubeadm-config" {
		return
	}
	var cm ConfigMap
	_ = json.Unmarshal(raw, &cm)
	if cm.Data == nil {
		return
	}
	text := func(key string) string { s, _ := cm.Data[key].(string); return s }
	switch {
	case isKubelet:
		readComponentConfig(text("kubelet"), "data.kubelet", out)
	case name == "kube-proxy":
		readComponentConfig(text("config.conf"), "data.config.conf", out)
	default:
		readKubeadmConfig(text("ClusterConfiguration"), out)
	}
}

func loadYAML(text, where string, problems *[]string) *yamlNode {
	doc, err := parseYAML(text)
	if err != nil {
		*problems = append(*problems, where+" is not valid YAML ("+err.Error()+")")
		return nil
	}
	return doc
}

// readComponentConfig reads a KubeletConfiguration or KubeProxyConfiguration's featureGates.
func readComponentConfig(text, where string, out *FeatureSettings) {
	doc := loadYAML(text, where, &out.Problems)
	if doc == nil || doc.Kind == yamlNull {
		return
	}
	if doc.Kind != yamlMap {
		out.Problems = append(out.Problems, where+" is not a YAML mapping (a component configuration)")
		return
	}
	where += " featureGates"
	gates := doc.Get("featureGates")
	if gates.Kind == yamlNull {
		return
	}
	if gates.Kind != yamlMap {
		out.Problems = append(out.Problems, where+" is not a map of gate names to true/false")
		return
	}
	bad := 0
	for i, k := range gates.Keys {
		if i >= maxEntries {
			break
		}
		enabled, ok := gates.Values[i].Bool()
		if k.Kind != yamlScalar || !ok {
			name := "?"
			if k.Kind == yamlScalar {
				name = k.Value
			}
			if bad++; bad <= maxProblems {
				out.Problems = append(out.Problems, where+": "+shown(name)+" is not set to true or false")
			}
			continue
		}
		out.Gates = append(out.Gates, GateSetting{k.Value, enabled, where})
	}
}

// readKubeadmConfig reads ClusterConfiguration extraArgs of apiServer, controllerManager and
// scheduler (v1beta3 map, v1beta4 [{name, value}] list). kubeadm's own featureGates are not
// Kubernetes gates and are not read.
func readKubeadmConfig(text string, out *FeatureSettings) {
	doc := loadYAML(text, "data.ClusterConfiguration", &out.Problems)
	if doc == nil || doc.Kind != yamlMap {
		return
	}
	for _, component := range []string{"apiServer", "controllerManager", "scheduler"} {
		args := doc.Get(component).Get("extraArgs")
		base := "data.ClusterConfiguration " + component + ".extraArgs"
		apiServer := component == "apiServer"
		switch args.Kind {
		case yamlMap:
			for i, k := range args.Keys {
				if k.Kind == yamlScalar && args.Values[i].Kind == yamlScalar {
					readExtraArg(k.Value, args.Values[i].Value, base+" "+k.Value, apiServer, out)
				}
			}
		case yamlSeq:
			for _, entry := range args.Items {
				name, value := entry.Get("name"), entry.Get("value")
				if name.Kind == yamlScalar && value.Kind == yamlScalar {
					readExtraArg(name.Value, value.Value, base+" "+name.Value, apiServer, out)
				}
			}
		}
	}
}

func readExtraArg(name, value, where string, apiServer bool, out *FeatureSettings) {
	switch {
	case name == "feature-gates":
		out.Gates = append(out.Gates, parseFeatureGatesValue(value, where, &out.Problems)...)
	case apiServer && name == "runtime-config":
		out.RuntimeConfig = append(out.RuntimeConfig, parseRuntimeConfigValue(value, where, &out.Problems)...)
	}
}
