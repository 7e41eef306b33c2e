package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// summary is what equivalence.sh compares between two answers.
type summary struct {
	APIVersion string
	UID        string
	Allowed    bool
	Code       float64
	Rules      []string
	Warnings   bool
}

func summarize(t *testing.T, review []byte) summary {
	t.Helper()
	var doc struct {
		APIVersion string `json:"apiVersion"`
		Response   struct {
			UID     string `json:"uid"`
			Allowed bool   `json:"allowed"`
			Status  *struct {
				Code float64 `json:"code"`
			} `json:"status"`
			Warnings         []string          `json:"warnings"`
			AuditAnnotations map[string]string `json:"auditAnnotations"`
		} `json:"response"`
	}
	if err := json.Unmarshal(review, &doc); err != nil {
		t.Fatalf("answer is not JSON: %v", err)
	}
	s := summary{APIVersion: doc.APIVersion, UID: doc.Response.UID, Allowed: doc.Response.Allowed,
		Warnings: len(doc.Response.Warnings) > 0}
	if doc.Response.Status != nil {
		s.Code = doc.Response.Status.Code
	}
	if r := doc.Response.AuditAnnotations["rule"]; r != "" {
		s.Rules = strings.Split(r, ",")
		sort.Strings(s.Rules)
	}
	return s
}

// TestFixtures judges every fixture of tests/testdata/admission with its configuration and
// compares the decision with the expected answer of aksarc-support-webhook.
func TestFixtures(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "tests", "testdata", "admission")
	requests, _ := filepath.Glob(filepath.Join(dir, "*.request.json"))
	if len(requests) == 0 {
		t.Skip("no fixtures")
	}
	dataDir := filepath.Join("..", "..", "..", "data")
	for _, req := range requests {
		name := strings.TrimSuffix(filepath.Base(req), ".request.json")
		t.Run(name, func(t *testing.T) {
			config := filepath.Join(dir, name+".config.yaml")
			if _, err := os.Stat(config); err != nil {
				config = ""
			}
			policy, err := loadPolicy(dataDir, config, "1.30") // the golden tests' default
			if err != nil {
				t.Fatal(err)
			}
			body, _ := os.ReadFile(req)
			expected, _ := os.ReadFile(filepath.Join(dir, name+".expected.json"))
			outcome := policy.Review(body)
			got, _ := json.Marshal(outcome.Review)
			if g, w := summarize(t, got), summarize(t, expected); !reflect.DeepEqual(g, w) {
				t.Errorf("got %+v\nwant %+v\nanswer %s", g, w, got)
			}
		})
	}
}

func TestYAML(t *testing.T) {
	doc, err := parseYAML("a: 1\nb:\n  - x\n  - {k: v, n: [1, 2]}\nc: |\n  line\n  two\nd: 'q''s' # c\ne:\n- name: feature-gates\n  value: A=true\n")
	if err != nil {
		t.Fatal(err)
	}
	if doc.Get("a").Value != "1" || doc.Get("b").Items[1].Get("k").Value != "v" ||
		doc.Get("c").Value != "line\ntwo\n" || doc.Get("d").Value != "q's" ||
		doc.Get("e").Items[0].Get("value").Value != "A=true" {
		t.Errorf("unexpected parse: %+v", doc)
	}
}
