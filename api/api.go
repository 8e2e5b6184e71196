// Package api is Assay's HTTP interface: the Gin router, its handlers, and
// the mapping of domain errors to HTTP statuses.
package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"assay/challenges"
	"assay/runner"
)

// Submissions stores submissions and queues them for workers.
type Submissions interface {
	// Create stores the submission and queues it, atomically.
	Create(ctx context.Context, s runner.Submission) error
	// CreateIdempotent is Create for a request with an Idempotency-Key: a
	// retry (same key and fingerprint) returns the first submission's id
	// and creates nothing; the same key with another fingerprint is an
	// error wrapping runner.ErrKeyReused.
	CreateIdempotent(ctx context.Context, s runner.Submission, key, fingerprint string) (string, error)
	Get(ctx context.Context, id string) (runner.State, error)
	// GetMany is Get of each id in a few round trips (reports and lists
	// read hundreds); an id without a submission is left out of the map.
	GetMany(ctx context.Context, ids []string) (map[string]runner.State, error)
	// Wait returns the state once the submission is done or ctx ends.
	Wait(ctx context.Context, id string) (runner.State, error)
	// Watch returns the state once its status is no longer from, or the
	// current state when ctx ends.
	Watch(ctx context.Context, id string, from runner.Status) (runner.State, error)
	// QueueLength counts submissions queued or running.
	QueueLength(ctx context.Context) (int64, error)
	// RunQueueLength counts Runs queued or running.
	RunQueueLength(ctx context.Context) (int64, error)
}

// Catalog lists the challenges candidates can take.
type Catalog interface {
	List() []*challenges.Challenge
	Get(slug string) (*challenges.Challenge, error)
}

// Config configures the API. Zero values take the documented defaults.
type Config struct {
	Catalog     Catalog
	Submissions Submissions
	// Ready reports whether the server can take work (Redis, Docker...);
	// nil means always ready.
	Ready func(ctx context.Context) error
	// AdminToken is the admin's bearer token (see auth.go). Empty means
	// there is no admin.
	AdminToken string
	// Accounts resolves interviewers' and candidates' tokens and keeps
	// assessments and invitations; nil means only the admin is known.
	Accounts Accounts
	// RateLimit bounds each candidate's submissions; zero means none.
	RateLimit RateLimit
	// RunRateLimit bounds each candidate's Runs (counted apart from the
	// submissions); zero means none.
	RunRateLimit RateLimit
	// Publisher, if set, takes challenge uploads from the admin
	// (POST /api/v1/challenges) and lists versions; nil answers 503.
	Publisher Publisher
	// MaxArchiveBytes bounds an uploaded challenge archive, compressed;
	// default 8 MiB. Archive bounds what it inflates to (defaults in
	// challenges.ArchiveLimits).
	MaxArchiveBytes int64
	Archive         challenges.ArchiveLimits
	// MaxBodyBytes bounds a request body; default 1 MiB.
	MaxBodyBytes int64
	// MaxFileBytes bounds one submitted file; default 256 KiB.
	MaxFileBytes int
	// QueueLimit refuses new submissions with 503 and Retry-After while
	// this many are queued or running; 0 means no limit. The check and the
	// enqueue are not one step, so concurrent requests can pass it by a few.
	// Runs have their own lane and limit, RunQueueLimit.
	QueueLimit    int64
	RunQueueLimit int64
	// MaxWait bounds ?wait= on GET submission; default 60s.
	MaxWait time.Duration
	// Versions, if set, finds any stored challenge version's weights, to
	// score results recorded before scores existed; nil: only the
	// catalog's current versions are scored on read (others show none).
	Versions runner.Suites
	// Regrades, if set, lets the admin regrade submissions; nil answers 501.
	Regrades Regrades
	// Reviews, if set, keeps revocations, notes and decisions; nil
	// answers 501 on those routes.
	Reviews Reviews
	// Recordings, if set, keeps what candidates' editors record for
	// staff's replay; nil answers 501 on those routes.
	Recordings Recordings
	// Mailer, if set, emails candidates their links on request; PublicURL
	// is the server's address in those links (default: the request's).
	Mailer    Mailer
	PublicURL string
	// Deliveries, if set, lists webhook delivery attempts for staff.
	Deliveries Deliveries
	// Similarity, if set, is the cohort's similarity index for staff
	// (similarity.go); nil answers 501 on those routes.
	Similarity Similarity
	// Metrics, if set, is served at /metrics.
	Metrics http.Handler
	// OnRequest, if set, is told the route pattern and status of every
	// answered request (for metrics).
	OnRequest func(route string, status int)
	Logger    *slog.Logger
	Now       func() time.Time
}

func (c Config) withDefaults() Config {
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = 1 << 20
	}
	if c.MaxFileBytes <= 0 {
		c.MaxFileBytes = 256 << 10
	}
	if c.MaxWait <= 0 {
		c.MaxWait = 60 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

type server struct {
	cfg   Config
	pages *pages
}

// New returns the HTTP handler.
func New(cfg Config) (http.Handler, error) {
	cfg = cfg.withDefaults()
	if cfg.Catalog == nil || cfg.Submissions == nil {
		return nil, errors.New("api: Catalog and Submissions are required")
	}
	gin.SetMode(gin.ReleaseMode)
	s := &server{cfg: cfg}
	r := gin.New()
	r.Use(s.logRequests, gin.CustomRecovery(func(c *gin.Context, rec any) {
		s.cfg.Logger.Error("panic", slog.Any("panic", rec), slog.String("path", c.Request.URL.Path))
		c.AbortWithStatusJSON(http.StatusInternalServerError, errorBody{Error: "internal error"})
	}))
	r.HandleMethodNotAllowed = true
	r.NoRoute(func(c *gin.Context) {
		writeError(c, s.cfg.Logger, errorf(http.StatusNotFound, "no such endpoint: %s", c.Request.URL.Path))
	})
	r.NoMethod(func(c *gin.Context) {
		writeError(c, s.cfg.Logger, errorf(http.StatusMethodNotAllowed, "%s is not allowed on %s", c.Request.Method, c.Request.URL.Path))
	})

	r.GET("/healthz", healthz)
	r.GET("/readyz", s.ready)
	if cfg.Metrics != nil {
		r.GET("/metrics", gin.WrapH(cfg.Metrics))
	}
	v1 := r.Group("/api/v1")
	v1.GET("/challenges", s.listChallenges)
	v1.GET("/challenges/:slug", s.getChallenge)
	v1.POST("/challenges", s.adminOnly(), s.publishChallenge)
	v1.GET("/challenges/:slug/versions", s.adminOnly(), s.challengeVersions)
	v1.POST("/submissions", s.allow(everyone...), s.createSubmission)
	v1.GET("/submissions/:id", s.allow(everyone...), s.getSubmission)
	s.regradeRoutes(v1)
	s.similarityRoutes(r, v1)
	if err := s.accessRoutes(r, v1); err != nil {
		return nil, err
	}
	return r, nil
}

func (s *server) logRequests(c *gin.Context) {
	start := time.Now()
	c.Next()
	if s.cfg.OnRequest != nil {
		route := c.FullPath() // the pattern, so ids do not make new series
		if route == "" {
			route = "unmatched"
		}
		s.cfg.OnRequest(route, c.Writer.Status())
	}
	s.cfg.Logger.Debug("http", slog.String("method", c.Request.Method), slog.String("path", c.Request.URL.Path),
		slog.Int("status", c.Writer.Status()), slog.Duration("took", time.Since(start)))
}

func healthz(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) }

// Probes is the HTTP handler of a process without the API (a worker):
// the same /healthz and /readyz as the API's, and /metrics.
func Probes(ready func(ctx context.Context) error, metrics http.Handler, log *slog.Logger) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	s := &server{cfg: Config{Ready: ready, Logger: log}.withDefaults()}
	r := gin.New()
	r.GET("/healthz", healthz)
	r.GET("/readyz", s.ready)
	r.GET("/metrics", gin.WrapH(metrics))
	return r
}

func (s *server) ready(c *gin.Context) {
	if s.cfg.Ready != nil {
		if err := s.cfg.Ready(c.Request.Context()); err != nil {
			s.cfg.Logger.Warn("not ready", slog.Any("err", err))
			c.Header("Retry-After", "5")
			c.JSON(http.StatusServiceUnavailable, gin.H{"status": "not ready", "error": err.Error()})
			return
		}
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}

// ChallengeSummary is one entry of the challenge list.
type ChallengeSummary struct {
	Slug    string   `json:"slug"`
	Title   string   `json:"title"`
	Summary string   `json:"summary"`
	Version string   `json:"version"`
	Files   []string `json:"files"`
}

// ChallengeView is what a candidate may see of a challenge: never the
// hidden tests, the reference or the known-bad solutions.
type ChallengeView struct {
	ChallengeSummary
	Prompt       string            `json:"prompt"`
	Starter      map[string]string `json:"starter"`
	Provided     map[string]string `json:"provided,omitempty"`
	VisibleTests map[string]string `json:"visible_tests"`
	HiddenTests  int               `json:"hidden_tests"`
}

func summary(ch *challenges.Challenge) ChallengeSummary {
	return ChallengeSummary{Slug: ch.Slug, Title: ch.Title, Summary: ch.Summary, Version: ch.Version, Files: ch.Files}
}

func (s *server) listChallenges(c *gin.Context) {
	list := s.cfg.Catalog.List()
	out := make([]ChallengeSummary, 0, len(list))
	for _, ch := range list {
		out = append(out, summary(ch))
	}
	c.JSON(http.StatusOK, gin.H{"challenges": out})
}

func (s *server) getChallenge(c *gin.Context) {
	ch, err := s.cfg.Catalog.Get(c.Param("slug"))
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	hidden := 0
	if ch.Expected != nil {
		for _, t := range ch.Expected.Tests {
			if t.Hidden {
				hidden++
			}
		}
	}
	c.JSON(http.StatusOK, ChallengeView{
		ChallengeSummary: summary(ch),
		Prompt:           ch.Prompt,
		Starter:          texts(ch.Starter),
		Provided:         texts(ch.Lib),
		VisibleTests:     texts(ch.Visible()),
		HiddenTests:      hidden,
	})
}

func texts(m map[string][]byte) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = string(v)
	}
	return out
}

func (s *server) createSubmission(c *gin.Context) {
	key, err := idempotencyKey(c)
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	req, err := s.decodeSubmission(c)
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	ch, err := s.cfg.Catalog.Get(req.Challenge)
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	mode, err := submissionMode(req)
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	p := principalOf(c)
	if err := s.admit(c, p, ch.Slug, mode); err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	if err := s.checkEntry(ch.Files, req.Files, req.Scratch); err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	limit, length, what := s.cfg.QueueLimit, s.cfg.Submissions.QueueLength, "submissions"
	if mode == runner.ModeRun {
		limit, length, what = s.cfg.RunQueueLimit, s.cfg.Submissions.RunQueueLength, "Runs"
	}
	if limit > 0 {
		n, err := length(c.Request.Context())
		if err != nil {
			writeError(c, s.cfg.Logger, unavailable(fmt.Errorf("queue length: %w", err)))
			return
		}
		if n >= limit {
			s.cfg.Logger.Warn("queue full; submission refused", slog.String("mode", string(mode)), slog.Int64("queued", n), slog.Int64("limit", limit))
			c.Header("Retry-After", "10")
			c.AbortWithStatusJSON(http.StatusServiceUnavailable, errorBody{Error: fmt.Sprintf("the queue is full (%d %s waiting); try again shortly", n, what)})
			return
		}
	}
	sub := runner.Submission{
		ID:               uuid.NewString(),
		Challenge:        ch.Slug,
		ChallengeVersion: ch.Version,
		Files:            req.Files,
		Submitter:        req.Submitter,
		CreatedAt:        s.cfg.Now().UTC(),
		Mode:             mode,
		Scratch:          req.Scratch,
	}
	stamp(&sub, p)
	if key != "" {
		key = string(p.Role) + ":" + p.ID + ":" + key // a key is the principal's own
	}
	if key == "" {
		if err := s.cfg.Submissions.Create(c.Request.Context(), sub); err != nil {
			writeError(c, s.cfg.Logger, unavailable(fmt.Errorf("create submission: %w", err)))
			return
		}
	} else {
		id, err := s.cfg.Submissions.CreateIdempotent(c.Request.Context(), sub, key, fingerprint(req))
		if errors.Is(err, runner.ErrKeyReused) {
			writeError(c, s.cfg.Logger, errorf(http.StatusUnprocessableEntity, "Idempotency-Key %q was already used for a different request; use a new key for a new submission", key))
			return
		}
		if err != nil {
			writeError(c, s.cfg.Logger, unavailable(fmt.Errorf("create submission: %w", err)))
			return
		}
		if id != sub.ID {
			s.replay(c, id)
			return
		}
	}
	s.cfg.Logger.Info("job queued", slog.String("submission", sub.ID), slog.String("challenge", sub.Challenge), slog.String("mode", string(sub.Mode)))
	s.keepDraft(c, sub)
	s.markEdits(c.Request.Context(), sub)
	s.accepted(c, sub, false)
}

func (s *server) accepted(c *gin.Context, sub runner.Submission, replayed bool) {
	loc := "/api/v1/submissions/" + sub.ID
	c.Header("Location", loc)
	if replayed {
		c.Header("Idempotent-Replayed", "true")
	}
	c.JSON(http.StatusAccepted, SubmissionAccepted{ID: sub.ID, Status: runner.StatusQueued, Challenge: sub.Challenge, ChallengeVersion: sub.ChallengeVersion, Location: loc, Mode: sub.Mode})
}

// replay answers a retried request with the submission its key created
// first, exactly as the first answer was (the status there is "queued" as
// it was then; GET the Location for the current one).
func (s *server) replay(c *gin.Context, id string) {
	st, err := s.cfg.Submissions.Get(c.Request.Context(), id)
	if err != nil {
		writeError(c, s.cfg.Logger, unavailable(fmt.Errorf("idempotent replay of %s: %w", id, err)))
		return
	}
	s.cfg.Logger.Info("idempotent retry; no new submission", slog.String("submission", id))
	s.accepted(c, st.Submission, true)
}

// maxKeyLen bounds an Idempotency-Key.
const maxKeyLen = 255

// idempotencyKey returns the request's Idempotency-Key header ("" when
// absent), or an error when it is malformed: printable ASCII without
// spaces, 1 to 255 characters.
func idempotencyKey(c *gin.Context) (string, error) {
	vals := c.Request.Header.Values("Idempotency-Key")
	if len(vals) == 0 {
		return "", nil
	}
	k := vals[0]
	if len(vals) > 1 || k == "" || len(k) > maxKeyLen {
		return "", errorf(http.StatusBadRequest, "Idempotency-Key must be one value of 1 to %d characters", maxKeyLen)
	}
	for i := 0; i < len(k); i++ {
		if k[i] <= ' ' || k[i] > '~' {
			return "", errorf(http.StatusBadRequest, "Idempotency-Key must be printable ASCII without spaces")
		}
	}
	return k, nil
}

// fingerprint identifies what a request asks for, so a key reused for a
// different request is caught.
func fingerprint(req SubmissionRequest) string {
	h := sha256.New()
	names := slices.Sorted(maps.Keys(req.Files))
	fmt.Fprintf(h, "%q\x00%q\x00%q\x00%d\x00", req.Challenge, req.Submitter, req.Mode, len(req.Scratch))
	io.WriteString(h, req.Scratch)
	for _, n := range names {
		fmt.Fprintf(h, "%q\x00%d\x00", n, len(req.Files[n]))
		io.WriteString(h, req.Files[n])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// submissionMode reads a request's mode: a scratch file only with a Run.
func submissionMode(req SubmissionRequest) (runner.Mode, error) {
	switch req.Mode {
	case "", "submit":
		if req.Scratch != "" {
			return "", errorf(http.StatusBadRequest, "scratch tests go with a Run (\"mode\": \"run\"), never with a submission")
		}
		return runner.ModeSubmit, nil
	case "run":
		return runner.ModeRun, nil
	}
	return "", errorf(http.StatusBadRequest, "mode %q is not \"submit\" or \"run\"", req.Mode)
}

func (s *server) decodeSubmission(c *gin.Context) (SubmissionRequest, error) {
	var req SubmissionRequest
	if err := s.decodeLarge(c, &req); err != nil {
		return req, err
	}
	switch {
	case strings.TrimSpace(req.Challenge) == "":
		return req, errorf(http.StatusBadRequest, "challenge is required")
	case len(req.Files) == 0:
		return req, errorf(http.StatusBadRequest, "files is required: an object of file name to source text")
	case len(req.Submitter) > 200:
		return req, errorf(http.StatusBadRequest, "submitter is longer than 200 characters")
	}
	return req, nil
}

// jsonProblem describes a decode error without echoing the input.
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("syntax error at byte %d", syn.Offset)
	case errors.As(err, &typ):
		return fmt.Sprintf("field %q must be %s", typ.Field, typ.Type)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the body is empty or cut short"
	case strings.HasPrefix(err.Error(), "json: unknown field"):
		return strings.TrimPrefix(err.Error(), "json: ")
	}
	return "malformed"
}

func (s *server) getSubmission(c *gin.Context) {
	id := c.Param("id")
	if _, err := uuid.Parse(id); err != nil {
		writeError(c, s.cfg.Logger, errorf(http.StatusNotFound, "submission %q not found", id))
		return
	}
	var wait time.Duration
	if w := c.Query("wait"); w != "" {
		d, perr := time.ParseDuration(w)
		if perr != nil || d < 0 {
			writeError(c, s.cfg.Logger, errorf(http.StatusBadRequest, "wait=%q: give a duration like 30s", w))
			return
		}
		wait = d
	}
	// A principal may only wait for, or read, what it may see.
	st, ok := s.readable(c, id)
	if !ok {
		return
	}
	var err error
	if wait > 0 && st.Status != runner.StatusDone {
		ctx, cancel := context.WithTimeout(c.Request.Context(), min(wait, s.cfg.MaxWait))
		defer cancel()
		st, err = s.cfg.Submissions.Wait(ctx, id)
	}
	if err != nil {
		writeError(c, s.cfg.Logger, unavailable(fmt.Errorf("get submission: %w", err)))
		return
	}
	if principalOf(c).Role.Staff() {
		st = s.withScore(c.Request.Context(), st)
	}
	c.JSON(http.StatusOK, view(principalOf(c), st))
}
