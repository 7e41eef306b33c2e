package main

// The AdmissionReview envelope and the decision: typed structs for the request as
// admission.k8s.io/v1 defines it (object and oldObject kept as raw JSON, decoded by the rules that
// need them), the request judged by every rule, and the response built from the findings split
// into what denies, what warns and what is only recorded.

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"unicode/utf8"
)

const (
	admissionV1      = "admission.k8s.io/v1"
	admissionV1beta1 = "admission.k8s.io/v1beta1"
	maxJSONDepth     = 128
	maxWarningLength = 120
	maxAuditReason   = 4096
)

type GroupVersionKind struct {
	Group   string `json:"group"`
	Version string `json:"version"`
	Kind    string `json:"kind"`
}

type GroupVersionResource struct {
	Group    string `json:"group"`
	Version  string `json:"version"`
	Resource string `json:"resource"`
}

type UserInfo struct {
	Username string   `json:"username"`
	UID      string   `json:"uid,omitempty"`
	Groups   []string `json:"groups,omitempty"`
}

type AdmissionRequest struct {
	UID             string                `json:"uid"`
	Kind            GroupVersionKind      `json:"kind"`
	Resource        GroupVersionResource  `json:"resource"`
	SubResource     string                `json:"subResource,omitempty"`
	RequestKind     *GroupVersionKind     `json:"requestKind,omitempty"`
	RequestResource *GroupVersionResource `json:"requestResource,omitempty"`
	Name            string                `json:"name,omitempty"`
	Namespace       string                `json:"namespace,omitempty"`
	Operation       string                `json:"operation"`
	UserInfo        UserInfo              `json:"userInfo"`
	Object          json.RawMessage       `json:"object,omitempty"`
	OldObject       json.RawMessage       `json:"oldObject,omitempty"`
	DryRun          *bool                 `json:"dryRun,omitempty"`
}

type Status struct {
	Code    int32  `json:"code,omitempty"`
	Reason  string `json:"reason,omitempty"`
	Message string `json:"message,omitempty"`
}

type AdmissionResponse struct {
	UID              string            `json:"uid"`
	Allowed          bool              `json:"allowed"`
	Status           *Status           `json:"status,omitempty"`
	Warnings         []string          `json:"warnings,omitempty"`
	AuditAnnotations map[string]string `json:"auditAnnotations,omitempty"`
}

// admissionReviewIn is an AdmissionReview as received, decoded in one pass.
type admissionReviewIn struct {
	APIVersion string            `json:"apiVersion"`
	Kind       json.RawMessage   `json:"kind"` // an object in a bare AdmissionRequest
	Request    *AdmissionRequest `json:"request"`
	// Present when a bare AdmissionRequest was posted instead of a review.
	UID       json.RawMessage `json:"uid"`
	Operation json.RawMessage `json:"operation"`
}

type AdmissionReview struct {
	APIVersion string             `json:"apiVersion"`
	Kind       string             `json:"kind"`
	Response   *AdmissionResponse `json:"response"`
}

// Request is an AdmissionRequest with its defaults resolved, as the rules read it.
type Request struct {
	*AdmissionRequest
	RequestKind     GroupVersionKind
	RequestResource GroupVersionResource
	object          json.RawMessage // nil when absent, null, not an object or {}
	oldObject       json.RawMessage
}

// Subject is the object the write is about: object, or oldObject for DELETE.
func (r *Request) Subject() json.RawMessage {
	if r.Operation == "DELETE" {
		return r.oldObject
	}
	return r.object
}

type Severity int

const (
	Violation Severity = iota // the rule's mode applies
	Notice                    // always a warning, never a denial
)

type Finding struct {
	Rule     string
	Severity Severity
	Message  string
	Summary  string
}

// Decision is what the handler logs.
type Decision struct {
	UID, User, Operation, Kind, Namespace, Name string
	Decision                                    string
	Rules                                       []string
	Reason                                      string
}

// Outcome is the review to send back, its HTTP status and the decision to log.
type Outcome struct {
	Review     AdmissionReview
	HTTPStatus int
	Decision   Decision
}

func errored(apiVersion, uid string, code int32, message string) Outcome {
	reason := "BadRequest"
	if code == 500 {
		reason = "InternalError"
	}
	return Outcome{
		Review: AdmissionReview{APIVersion: apiVersion, Kind: "AdmissionReview",
			Response: &AdmissionResponse{UID: uid, Allowed: false,
				Status: &Status{Code: code, Reason: reason, Message: message}}},
		HTTPStatus: int(code),
		Decision:   Decision{UID: uid, Decision: "error", Reason: message},
	}
}

// unjudgeable answers a request that names its uid but cannot be judged with HTTP 200, as the
// C++ webhook does: the API server reads only a 200's body, so the denial reaches the user.
func unjudgeable(apiVersion, uid, message string) Outcome {
	out := errored(apiVersion, uid, 400, message)
	if uid != "" {
		out.HTTPStatus = 200
	}
	return out
}

// jsonObject returns raw when it holds a non-empty JSON object, else nil.
func jsonObject(raw json.RawMessage) json.RawMessage {
	raw = bytes.TrimSpace(raw)
	if len(raw) < 2 || raw[0] != '{' {
		return nil
	}
	if len(bytes.TrimSpace(raw[1:len(raw)-1])) == 0 {
		return nil
	}
	return raw
}

// nestingDepth is the deepest array/object nesting of JSON text.
func nestingDepth(body []byte) int {
	depth, max := 0, 0
	inString, escaped := false, false
	for _, c := range body {
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			depth++
			if depth > max {
				max = depth
			}
		case '}', ']':
			if depth > 0 {
				depth--
			}
		}
	}
	return max
}

// Review judges a request body.
func (p *Policy) Review(body []byte) Outcome {
	if len(body) == 0 {
		return errored(admissionV1, "", 400, "request body is empty")
	}
	if nestingDepth(body) > maxJSONDepth {
		return errored(admissionV1, "", 400, "request body nests deeper than 128 levels")
	}
	if !utf8.Valid(body) {
		return errored(admissionV1, "", 400, "request body is not valid JSON (invalid UTF-8)")
	}
	var in admissionReviewIn
	err := json.Unmarshal(body, &in)
	// A field of the wrong type leaves the others decoded: judge the envelope first.
	var typeErr *json.UnmarshalTypeError
	if err != nil && !errors.As(err, &typeErr) {
		return errored(admissionV1, "", 400, "request body is not valid JSON")
	}
	if typeErr != nil && typeErr.Field == "" {
		return errored(admissionV1, "", 400, "request body must be a JSON object (an AdmissionReview)")
	}
	var kind string
	_ = json.Unmarshal(in.Kind, &kind)
	if kind != "AdmissionReview" {
		if in.UID != nil && in.Operation != nil {
			var uid string
			_ = json.Unmarshal(in.UID, &uid)
			return errored(admissionV1, uid, 400, `got a bare AdmissionRequest: wrap it as {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": ...}`)
		}
		return errored(admissionV1, "", 400, "kind must be AdmissionReview")
	}
	if in.APIVersion != admissionV1 && in.APIVersion != admissionV1beta1 {
		return errored(admissionV1, "", 400, "apiVersion must be admission.k8s.io/v1 or admission.k8s.io/v1beta1, got \""+in.APIVersion+"\"")
	}
	if in.Request == nil {
		return errored(in.APIVersion, "", 400, "request: missing (expected an object)")
	}
	if err != nil {
		return unjudgeable(in.APIVersion, in.Request.UID, err.Error())
	}
	ar := in.Request
	r, err := newRequest(ar)
	if err != nil {
		return unjudgeable(in.APIVersion, ar.UID, err.Error())
	}
	return p.judge(in.APIVersion, r)
}

func newRequest(ar *AdmissionRequest) (*Request, error) {
	if ar.UID == "" {
		return nil, errors.New("request.uid: missing (every AdmissionReview request has a uid)")
	}
	switch ar.Operation {
	case "CREATE", "UPDATE", "DELETE", "CONNECT":
	case "":
		return nil, errors.New("request.operation: missing")
	default:
		return nil, errors.New("request.operation: unknown operation \"" + ar.Operation + "\" (expected CREATE, UPDATE, DELETE or CONNECT)")
	}
	r := &Request{AdmissionRequest: ar, object: jsonObject(ar.Object), oldObject: jsonObject(ar.OldObject)}
	r.RequestKind = ar.Kind
	if ar.RequestKind != nil && (ar.RequestKind.Kind != "" || ar.RequestKind.Version != "") {
		r.RequestKind = *ar.RequestKind
	}
	r.RequestResource = ar.Resource
	if ar.RequestResource != nil && ar.RequestResource.Resource != "" {
		r.RequestResource = *ar.RequestResource
	}
	if r.Name == "" {
		// Older API servers leave request.name empty; the object's own name is the same thing.
		if subject := r.Subject(); subject != nil {
			var meta struct {
				Metadata struct {
					Name string `json:"name"`
				} `json:"metadata"`
			}
			if json.Unmarshal(subject, &meta) == nil {
				r.Name = meta.Metadata.Name
			}
		}
	}
	return r, nil
}

// Rule judges one request and appends its findings.
type Rule interface {
	ID() string
	Evaluate(r *Request, p *Policy, out []Finding) []Finding
}

var rules = []Rule{nodeMetadataRule{}, managedComponentsRule{}, previewFeaturesRule{}}

func (p *Policy) judge(apiVersion string, r *Request) Outcome {
	out := Outcome{HTTPStatus: 200, Decision: Decision{UID: r.UID, User: r.UserInfo.Username,
		Operation: r.Operation, Kind: r.Kind.Kind, Namespace: r.Namespace, Name: r.Name}}
	review := AdmissionReview{APIVersion: apiVersion, Kind: "AdmissionReview",
		Response: &AdmissionResponse{UID: r.UID, Allowed: true}}
	out.Review = review
	if isSystemActor(r, &p.Config) {
		out.Decision.Decision = "exempt"
		return out
	}
	var findings []Finding
	for _, rule := range rules {
		findings = rule.Evaluate(r, p, findings)
	}

	var denials, warnings, ruleIDs, reasons []string
	anyWarn, anyAudit, anyDryRun := false, false, false
	for _, f := range findings {
		ruleIDs = appendUnique(ruleIDs, f.Rule)
		reasons = append(reasons, f.Message)
		warning := f.Summary
		if warning == "" {
			warning = f.Message
		}
		warning = truncateUTF8(warning, maxWarningLength)
		if f.Severity == Notice {
			if !p.Config.DryRun {
				warnings = appendUnique(warnings, warning)
			}
			continue
		}
		if p.Config.DryRun {
			anyDryRun = true
			continue
		}
		switch p.Config.ModeOf(f.Rule) {
		case ModeDeny:
			denials = append(denials, f.Message)
		case ModeWarn:
			anyWarn = true
			warnings = appendUnique(warnings, warning)
		case ModeAudit:
			anyAudit = true
		}
	}
	decision := "allow"
	switch {
	case len(denials) > 0:
		decision = "deny"
	case anyWarn:
		decision = "warn"
	case anyAudit:
		decision = "audit"
	case anyDryRun:
		decision = "dry-run"
	}
	resp := review.Response
	if len(denials) > 0 {
		resp.Allowed = false
		resp.Status = &Status{Code: 403, Reason: "Forbidden", Message: strings.Join(denials, "\n")}
	}
	resp.Warnings = warnings
	if len(ruleIDs) > 0 {
		resp.AuditAnnotations = map[string]string{
			"decision": decision,
			"rule":     strings.Join(ruleIDs, ","),
			"reason":   truncateUTF8(strings.Join(reasons, " | "), maxAuditReason),
		}
	}
	out.Decision.Decision = decision
	out.Decision.Rules = ruleIDs
	out.Decision.Reason = strings.Join(reasons, " | ")
	return out
}

func appendUnique(list []string, v string) []string {
	if contains(list, v) {
		return list
	}
	return append(list, v)
}

// truncateUTF8 cuts s to at most max bytes without splitting a character, marking the cut.
func truncateUTF8(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max - 3
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}
