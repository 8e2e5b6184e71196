// Package api is Assay's HTTP interface: the Gin router, its handlers, and
// the mapping of domain errors to HTTP statuses.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"assay/app"
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
	// The use cases (package app), wired to cfg's stores.
	submissions  *app.Submissions
	regrade      *app.Regrades
	reports      *app.Reports
	scores       *app.Scores
	assessments  *app.Assessments
	interviewers *app.Interviewers
	reviews      *app.Reviews
	sessions     *app.Sessions
	drafts       *app.Drafts
	recordings   *app.Recordings
	deliveries   *app.Deliveries
	publishing   *app.Publishing
	similarity   *app.Similarity
}

// New returns the HTTP handler.
func New(cfg Config) (http.Handler, error) {
	cfg = cfg.withDefaults()
	if cfg.Catalog == nil || cfg.Submissions == nil {
		return nil, errors.New("api: Catalog and Submissions are required")
	}
	gin.SetMode(gin.ReleaseMode)
	s := &server{cfg: cfg}
	s.wireUseCases()
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

// wireUseCases makes the use cases from the configuration's stores. A
// store the configuration lacks stays a nil port, which each use case
// reads as the feature being off, as the handlers did.
func (s *server) wireUseCases() {
	cfg := s.cfg
	// A nil interface converted to a port is a nil port.
	s.submissions = &app.Submissions{
		Catalog: cfg.Catalog, Store: cfg.Submissions, Limiter: cfg.Accounts, Drafts: cfg.Accounts, Recordings: cfg.Recordings,
		RateLimit: cfg.RateLimit, RunRateLimit: cfg.RunRateLimit, MaxFileBytes: cfg.MaxFileBytes,
		QueueLimit: cfg.QueueLimit, RunQueueLimit: cfg.RunQueueLimit,
		Now: cfg.Now, NewID: uuid.NewString, Logger: cfg.Logger,
	}
	s.scores = &app.Scores{Catalog: cfg.Catalog, Versions: cfg.Versions, Logger: cfg.Logger}
	s.assessments = &app.Assessments{Catalog: cfg.Catalog, Store: cfg.Accounts, Mailer: cfg.Mailer, Now: cfg.Now, NewID: uuid.NewString, Logger: cfg.Logger}
	s.interviewers = &app.Interviewers{Store: cfg.Accounts, Now: cfg.Now, NewID: uuid.NewString}
	s.reviews = &app.Reviews{Store: cfg.Reviews, Invitations: cfg.Accounts, Submissions: cfg.Submissions, Now: cfg.Now, NewID: uuid.NewString}
	s.sessions = &app.Sessions{Store: cfg.Accounts, Now: cfg.Now, Logger: cfg.Logger}
	s.drafts = &app.Drafts{Catalog: cfg.Catalog, Store: cfg.Accounts, Limiter: cfg.Accounts, MaxFileBytes: cfg.MaxFileBytes, Now: cfg.Now}
	s.recordings = &app.Recordings{Catalog: cfg.Catalog, Store: cfg.Recordings, Invitations: cfg.Accounts, Submissions: cfg.Submissions,
		Limiter: cfg.Accounts, MaxFileBytes: cfg.MaxFileBytes, Now: cfg.Now}
	s.deliveries = &app.Deliveries{Submissions: cfg.Submissions, Store: cfg.Deliveries}
	s.publishing = &app.Publishing{Publisher: cfg.Publisher, Logger: cfg.Logger}
	s.similarity = &app.Similarity{Index: cfg.Similarity, Catalog: cfg.Catalog, Invitations: cfg.Accounts, Submissions: cfg.Submissions}
	// A catalog that keeps every version (the Library) lets a pair be
	// compared against the scaffolding of the version it was made for.
	if vc, ok := cfg.Catalog.(app.VersionedCatalog); ok {
		s.similarity.Versions = vc
	}
	s.reports = &app.Reports{Accounts: cfg.Accounts, States: cfg.Submissions, Catalog: cfg.Catalog}
	s.regrade = &app.Regrades{
		Catalog: cfg.Catalog, Submissions: cfg.Submissions, Store: cfg.Regrades, Assessments: cfg.Accounts, Versions: cfg.Publisher, Reader: cfg.Regrades,
		Now: cfg.Now, NewID: uuid.NewString, Logger: cfg.Logger,
	}
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

// createSubmission is POST /api/v1/submissions: decode, create (package
// app's Submissions.Create), answer 202.
func (s *server) createSubmission(c *gin.Context) {
	key, err := idempotencyKey(c)
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	var req SubmissionRequest
	if err := s.decodeLarge(c, &req); err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	out, err := s.submissions.Create(c.Request.Context(), principalOf(c), app.SubmitRequest{
		Challenge: req.Challenge, Files: req.Files, Submitter: req.Submitter, Mode: req.Mode, Scratch: req.Scratch, IdempotencyKey: key,
	})
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	s.accepted(c, out.Submission, out.Replayed)
}

func (s *server) accepted(c *gin.Context, sub runner.Submission, replayed bool) {
	loc := "/api/v1/submissions/" + sub.ID
	c.Header("Location", loc)
	if replayed {
		c.Header("Idempotent-Replayed", "true")
	}
	c.JSON(http.StatusAccepted, SubmissionAccepted{ID: sub.ID, Status: runner.StatusQueued, Challenge: sub.Challenge, ChallengeVersion: sub.ChallengeVersion, Location: loc, Mode: sub.Mode})
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
		st = s.scores.With(c.Request.Context(), st)
	}
	c.JSON(http.StatusOK, view(principalOf(c), st))
}
