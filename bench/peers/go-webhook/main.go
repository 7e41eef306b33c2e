// go-webhook is the benchmark peer of aksarc-support-webhook: the same admission rules (NODE-2,
// MGD-1, PREV-1 with the default policy) as a minimal Go webhook on the standard library's
// net/http, crypto/tls and encoding/json, which is what controller-runtime webhooks are built on.
package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"mime"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"
)

const (
	maxBodyBytes     = 7 << 20 // 7 MiB, as the API server and controller-runtime cap it
	serverTimeout    = 10 * time.Second
	maxLoggedReason  = 1024
	shutdownDeadline = 10 * time.Second
)

// defaultDataDir is the default of --data-dir: the repository's data/, set at build time by
// bench/peers/build.sh (-ldflags "-X main.defaultDataDir=...").
var defaultDataDir = "data"

type server struct {
	policy       *Policy
	logDecisions bool
	log          *log.Logger
	ready        atomic.Bool
}

func main() {
	certFile := flag.String("tls-cert-file", "", "PEM certificate (chain) to serve")
	keyFile := flag.String("tls-private-key-file", "", "PEM private key of the certificate")
	port := flag.Int("port", 9443, "port to listen on (0: any free port)")
	bind := flag.String("bind-address", "0.0.0.0", "address to listen on")
	dataDir := flag.String("data-dir", defaultDataDir, "directory with default-policy.yaml, feature-gates.json, alpha-apis.json")
	configFile := flag.String("config", "", "policy configuration laid over default-policy.yaml (optional)")
	clusterVersion := flag.String("cluster-version", "", "Kubernetes version of the cluster, e.g. 1.31 (default: the newest in the data)")
	logDecisions := flag.Bool("log-decisions", true, "write one JSON line per decision on stdout, as aksarc-support-webhook does")
	flag.Parse()
	if *certFile == "" || *keyFile == "" {
		fmt.Fprintln(os.Stderr, "error: --tls-cert-file and --tls-private-key-file are required")
		os.Exit(2)
	}
	os.Exit(run(*certFile, *keyFile, *bind, *port, *dataDir, *configFile, *clusterVersion, *logDecisions))
}

func run(certFile, keyFile, bind string, port int, dataDir, configFile, clusterVersion string, logDecisions bool) int {
	fail := func(err error) int {
		fmt.Fprintln(os.Stderr, "error:", err)
		return 1
	}
	policy, err := loadPolicy(dataDir, configFile, clusterVersion)
	if err != nil {
		return fail(err)
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return fail(fmt.Errorf("TLS certificate: %w", err))
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(bind, strconv.Itoa(port)))
	if err != nil {
		return fail(err)
	}
	s := &server{policy: policy, logDecisions: logDecisions, log: log.New(os.Stdout, "", 0)}
	mux := http.NewServeMux()
	mux.HandleFunc("/validate", s.handleValidate)
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { plain(w, http.StatusOK, "ok\n") })
	mux.HandleFunc("/readyz", s.handleReadyz)
	srv := &http.Server{
		Handler:           mux,
		TLSConfig:         &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}},
		ReadHeaderTimeout: serverTimeout,
		ReadTimeout:       serverTimeout,
		WriteTimeout:      serverTimeout,
		IdleTimeout:       serverTimeout,
		ErrorLog:          log.New(os.Stderr, "", log.LstdFlags),
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	served := make(chan error, 1)
	go func() { served <- srv.ServeTLS(ln, "", "") }()
	s.ready.Store(true)
	actual := ln.Addr().(*net.TCPAddr).Port
	s.event("listening", map[string]any{"address": bind, "port": actual,
		"url":             "https://" + net.JoinHostPort(bind, strconv.Itoa(actual)),
		"cluster_version": policy.ClusterVersion.MinorString(), "cluster_version_known": policy.VersionKnown,
		"peer": "go-webhook", "go": runtime.Version()})

	select {
	case err := <-served:
		return fail(err)
	case <-ctx.Done():
	}
	s.ready.Store(false)
	s.event("shutting down", nil)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownDeadline)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fail(err)
	}
	s.event("stopped", nil)
	return 0
}

// event writes one JSON log line on stdout.
func (s *server) event(msg string, fields map[string]any) {
	line := map[string]any{"ts": time.Now().UTC().Format("2006-01-02T15:04:05.000Z"), "level": "info", "msg": msg}
	for k, v := range fields {
		line[k] = v
	}
	b, _ := json.Marshal(line)
	s.log.Print(string(b))
}

func plain(w http.ResponseWriter, code int, text string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(code)
	io.WriteString(w, text)
}

func (s *server) handleReadyz(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", http.MethodGet)
		plain(w, http.StatusMethodNotAllowed, "method not allowed: /readyz accepts GET only\n")
		return
	}
	if !s.ready.Load() {
		plain(w, http.StatusServiceUnavailable, "shutting down\n")
		return
	}
	plain(w, http.StatusOK, "ok\n")
}

func (s *server) handleValidate(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		plain(w, http.StatusMethodNotAllowed, "method not allowed: /validate accepts POST only\n")
		return
	}
	contentType := r.Header.Get("Content-Type")
	if media, _, err := mime.ParseMediaType(contentType); err != nil || media != "application/json" {
		plain(w, http.StatusUnsupportedMediaType, fmt.Sprintf(
			"unsupported media type %q: POST /validate expects Content-Type: application/json\n", contentType))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			plain(w, http.StatusRequestEntityTooLarge, "request body too large: the limit is 7340032 bytes (7 MiB)\n")
			return
		}
		plain(w, http.StatusBadRequest, "could not read the request body\n")
		return
	}
	outcome := s.policy.Review(body)
	answer, err := json.Marshal(outcome.Review)
	if err != nil {
		plain(w, http.StatusInternalServerError, "internal error\n")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(outcome.HTTPStatus)
	w.Write(answer)
	if s.logDecisions {
		s.logDecision(outcome, time.Since(start), outcome.HTTPStatus)
	}
}

type decisionLine struct {
	TS         string   `json:"ts"`
	Level      string   `json:"level"`
	Msg        string   `json:"msg"`
	UID        string   `json:"uid"`
	User       string   `json:"user"`
	Operation  string   `json:"operation"`
	Kind       string   `json:"kind"`
	Namespace  string   `json:"namespace"`
	Name       string   `json:"name"`
	Rules      []string `json:"rules"`
	Decision   string   `json:"decision"`
	Reason     string   `json:"reason"`
	LatencyMS  float64  `json:"latency_ms"`
	HTTPStatus int      `json:"http_status"`
}

func (s *server) logDecision(o Outcome, elapsed time.Duration, status int) {
	d := o.Decision
	reason := d.Reason
	if len(reason) > maxLoggedReason {
		reason = reason[:maxLoggedReason]
	}
	rules := d.Rules
	if rules == nil {
		rules = []string{}
	}
	b, err := json.Marshal(decisionLine{
		TS: time.Now().UTC().Format("2006-01-02T15:04:05.000Z"), Level: "info", Msg: "decision",
		UID: d.UID, User: d.User, Operation: d.Operation, Kind: d.Kind, Namespace: d.Namespace,
		Name: d.Name, Rules: rules, Decision: d.Decision, Reason: reason,
		LatencyMS: float64(elapsed.Microseconds()) / 1000, HTTPStatus: status,
	})
	if err == nil {
		s.log.Print(string(b))
	}
}
