// Package webhook announces finished submissions to the systems hiring
// teams already use: it reads the recorded results from the store's notify
// stream and POSTs a signed JSON event to each target URL, retrying with
// exponential backoff for a bounded time, recording every attempt. It runs
// beside the workers and never slows them: a result is queued for
// announcement in the same store step that records it.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"syscall"
	"time"

	"assay/internal/wait"
	"assay/runner"
)

// Headers of a delivery.
const (
	// SignatureHeader carries "t=<unix seconds>,v1=<hex HMAC-SHA256>" of
	// "<t>.<body>" under the shared secret.
	SignatureHeader = "Assay-Signature"
	// EventHeader carries the submission id: a receiver that sees it twice
	// (delivery is at least once) can drop the repeat.
	EventHeader = "Assay-Event"
)

// Store is what the notifier needs of the store (runner/redis's Broker).
type Store interface {
	NextEvent(ctx context.Context, consumer string, reclaimIdle time.Duration) (runner.Event, bool, error)
	AckEvent(ctx context.Context, ev runner.Event) error
	RenewEvent(ctx context.Context, consumer string, ev runner.Event) error
	Get(ctx context.Context, id string) (runner.State, error)
	RecordDelivery(ctx context.Context, d runner.Delivery) error
	MarkDelivered(ctx context.Context, id, target string) (bool, error)
	WasDelivered(ctx context.Context, id, target string) (bool, error)
}

// Payload is the JSON body of a delivery. It goes to staff's systems
// (the server's and the assessment's webhook), never to the candidate, so
// it carries the verdict as recorded, "tampered" included, with the
// evidence.
type Payload struct {
	Event            string         `json:"event"` // "submission.finished"
	SubmissionID     string         `json:"submission_id"`
	Candidate        string         `json:"candidate,omitempty"`
	Invitation       string         `json:"invitation,omitempty"`
	Challenge        string         `json:"challenge"`
	ChallengeVersion string         `json:"challenge_version"`
	Verdict          runner.Verdict `json:"verdict"`
	// Tampering is the evidence behind a "tampered" verdict.
	Tampering []runner.Finding `json:"tampering,omitempty"`
	// CanaryNearMisses counts the run's canaries passed while their twins
	// failed (runner.Result.CanaryNearMisses).
	CanaryNearMisses int       `json:"canary_near_misses,omitempty"`
	Passed           int       `json:"passed"`
	Total            int       `json:"total"`
	RunMS            int64     `json:"run_ms"`
	QueuedMS         int64     `json:"queued_ms"`
	FinishedAt       time.Time `json:"finished_at"`
	ReviewURL        string    `json:"review_url,omitempty"`
	// Score is the submission's score (percent, points, per tag and
	// group); absent for internal_error and rejected.
	Score *runner.Score `json:"score,omitempty"`
}

// Config configures a Notifier. Zero values take the documented defaults.
type Config struct {
	Store Store
	// Targets returns the URLs a finished submission is announced to (the
	// server's webhook, its assessment's...); none means it is not.
	Targets func(ctx context.Context, st runner.State) ([]string, error)
	// Secret signs every delivery; required.
	Secret string
	// Consumer names this notifier to the store; unique per process.
	Consumer string
	// BaseURL is the server's public URL, for the review link; optional.
	BaseURL string
	// Timeout bounds one delivery attempt; default 5s.
	Timeout time.Duration
	// MaxAge bounds retrying: after this long since the result was
	// recorded, a delivery is given up; default 1h.
	MaxAge time.Duration
	// FirstBackoff and MaxBackoff shape the exponential backoff between
	// attempts; defaults 1s and 5m.
	FirstBackoff, MaxBackoff time.Duration
	// Concurrency bounds deliveries in flight; default 16.
	Concurrency int
	// ReclaimIdle is how long an event may sit unacknowledged by a
	// notifier (that died) before another takes it over; default 2m.
	ReclaimIdle time.Duration
	// AllowPrivate lets deliveries reach loopback, private and link-local
	// addresses; off, a webhook URL cannot make the workers probe their own
	// network (the URLs come from interviewers).
	AllowPrivate bool
	Client       *http.Client // default: one that refuses private addresses unless AllowPrivate, and never follows redirects
	Logger       *slog.Logger
	Now          func() time.Time
}

// Notifier delivers webhook events. Run it in every process with workers.
type Notifier struct {
	cfg Config
	log *slog.Logger
}

// New checks cfg and returns a notifier.
func New(cfg Config) (*Notifier, error) {
	if cfg.Store == nil || cfg.Targets == nil || cfg.Consumer == "" {
		return nil, errors.New("webhook: Store, Targets and Consumer are required")
	}
	if cfg.Secret == "" {
		return nil, errors.New("webhook: a signing secret is required")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 5 * time.Second
	}
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = time.Hour
	}
	if cfg.FirstBackoff <= 0 {
		cfg.FirstBackoff = time.Second
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 5 * time.Minute
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 16
	}
	if cfg.ReclaimIdle <= 0 {
		cfg.ReclaimIdle = 2 * time.Minute
	}
	if cfg.Client == nil {
		cfg.Client = newClient(cfg.AllowPrivate)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Notifier{cfg: cfg, log: cfg.Logger.With(slog.String("component", "webhook"))}, nil
}

// Run announces events until ctx ends. Deliveries in flight when it ends
// are left unacknowledged, and another notifier resumes them.
func (n *Notifier) Run(ctx context.Context) error {
	sem := make(chan struct{}, n.cfg.Concurrency)
	var wg sync.WaitGroup
	defer wg.Wait()
	for ctx.Err() == nil {
		ev, ok, err := n.cfg.Store.NextEvent(ctx, n.cfg.Consumer, n.cfg.ReclaimIdle)
		if err != nil {
			if ctx.Err() == nil {
				n.log.Warn("read events", slog.Any("err", err))
				_ = wait.Sleep(ctx, time.Second)
			}
			continue
		}
		if !ok {
			continue
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			return nil
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := n.announce(ctx, ev); err != nil && ctx.Err() == nil {
				n.log.Warn("announce", slog.String("submission", ev.SubmissionID), slog.Any("err", err))
			}
		}()
	}
	return nil
}

// announce delivers one event to each of its targets, then acknowledges it.
func (n *Notifier) announce(ctx context.Context, ev runner.Event) error {
	st, err := n.cfg.Store.Get(ctx, ev.SubmissionID)
	if errors.Is(err, runner.ErrNotFound) || (err == nil && st.Result == nil) {
		return n.cfg.Store.AckEvent(ctx, ev) // nothing to announce
	}
	if err != nil {
		return err
	}
	targets, err := n.cfg.Targets(ctx, st)
	if err != nil {
		return fmt.Errorf("targets: %w", err)
	}
	body, err := json.Marshal(n.payload(st))
	if err != nil {
		return err
	}
	// Retries may outlast ReclaimIdle: keep the claim meanwhile, so no
	// other notifier starts delivering the same event.
	renewCtx, stopRenew := context.WithCancel(ctx)
	defer stopRenew()
	go func() {
		t := time.NewTicker(n.cfg.ReclaimIdle / 3)
		defer t.Stop()
		for {
			select {
			case <-renewCtx.Done():
				return
			case <-t.C:
				if err := n.cfg.Store.RenewEvent(renewCtx, n.cfg.Consumer, ev); err != nil && renewCtx.Err() == nil {
					n.log.Warn("renew event", slog.String("submission", ev.SubmissionID), slog.Any("err", err))
				}
			}
		}
	}()
	for _, url := range targets {
		if err := n.deliver(ctx, st, url, body); err != nil {
			return err // ctx ended: leave the event to be resumed
		}
	}
	return n.cfg.Store.AckEvent(context.WithoutCancel(ctx), ev)
}

func (n *Notifier) payload(st runner.State) Payload {
	r := st.Result
	p := Payload{
		Event: "submission.finished", SubmissionID: st.Submission.ID, Candidate: st.Submission.Submitter,
		Invitation: st.Submission.Invitation, Challenge: st.Submission.Challenge, ChallengeVersion: r.ChallengeVersion,
		Verdict: r.Verdict, Tampering: r.Tampering, Passed: r.Passed, Total: r.Total, RunMS: r.RunMS, QueuedMS: r.QueuedMS, FinishedAt: r.FinishedAt,
		Score: r.Score, CanaryNearMisses: r.CanaryNearMisses,
	}
	if n.cfg.BaseURL != "" {
		p.ReviewURL = n.cfg.BaseURL + "/review/submissions/" + st.Submission.ID
	}
	return p
}

// targetKey names a target in the store without its URL's secrets.
func targetKey(url string) string {
	h := sha256.Sum256([]byte(url))
	return hex.EncodeToString(h[:8])
}

// deliver POSTs body to url until it is accepted or MaxAge has passed since
// the result was recorded, recording each attempt. It returns an error only
// when ctx ends first.
func (n *Notifier) deliver(ctx context.Context, st runner.State, url string, body []byte) error {
	id, key := st.Submission.ID, targetKey(url)
	if done, err := n.cfg.Store.WasDelivered(ctx, id, key); err == nil && done {
		return nil // delivered before a restart; do not send it twice
	}
	giveUpAt := st.Result.FinishedAt.Add(n.cfg.MaxAge)
	backoff := n.cfg.FirstBackoff
	for attempt := 1; ; attempt++ {
		d := n.attempt(ctx, id, url, body)
		d.Attempt = attempt
		if d.Delivered {
			if first, err := n.cfg.Store.MarkDelivered(context.WithoutCancel(ctx), id, key); err == nil && !first {
				d.Error = "delivered again (an earlier delivery was not recorded in time)"
			}
		} else if n.cfg.Now().Add(backoff).After(giveUpAt) {
			d.GaveUp = true
		}
		if err := n.cfg.Store.RecordDelivery(context.WithoutCancel(ctx), d); err != nil {
			n.log.Warn("record delivery", slog.String("submission", id), slog.Any("err", err))
		}
		if d.Delivered || d.GaveUp {
			if d.GaveUp {
				n.log.Warn("webhook given up", slog.String("submission", id), slog.Int("attempts", attempt), slog.String("last_error", d.Error))
			}
			return nil
		}
		if wait.Sleep(ctx, backoff) != nil {
			return ctx.Err()
		}
		backoff = min(backoff*2, n.cfg.MaxBackoff)
	}
}

// attempt makes one signed POST.
func (n *Notifier) attempt(ctx context.Context, id, url string, body []byte) runner.Delivery {
	d := runner.Delivery{SubmissionID: id, URL: url, At: n.cfg.Now().UTC()}
	actx, cancel := context.WithTimeout(ctx, n.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		d.Error = err.Error()
		return d
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "assay-webhook/1")
	req.Header.Set(EventHeader, id)
	req.Header.Set(SignatureHeader, Sign(n.cfg.Secret, n.cfg.Now(), body))
	start := time.Now()
	resp, err := n.cfg.Client.Do(req)
	d.DurationMS = time.Since(start).Milliseconds()
	if err != nil {
		d.Error = err.Error()
		return d
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	d.Status = resp.StatusCode
	d.Delivered = resp.StatusCode >= 200 && resp.StatusCode < 300
	if !d.Delivered {
		d.Error = "receiver answered " + resp.Status
	}
	return d
}

// Sign returns the signature header value for body sent at t.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac.Sum(nil))
}

// ErrBadSignature is returned by Verify for a delivery that was not signed
// with the secret, or is older than the tolerance.
var ErrBadSignature = errors.New("webhook signature does not verify")

// Verify checks a delivery's signature header against body, as a receiver
// does; tolerance bounds the signature's age (replays), 0 means 5 minutes.
func Verify(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	if tolerance <= 0 {
		tolerance = 5 * time.Minute
	}
	var ts, sig string
	for _, part := range bytes.Split([]byte(header), []byte(",")) {
		k, v, _ := bytes.Cut(bytes.TrimSpace(part), []byte("="))
		switch string(k) {
		case "t":
			ts = string(v)
		case "v1":
			sig = string(v)
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || sig == "" {
		return ErrBadSignature
	}
	if age := now.Sub(time.Unix(sec, 0)); age > tolerance || age < -tolerance {
		return ErrBadSignature
	}
	want := Sign(secret, time.Unix(sec, 0), body)
	if !hmac.Equal([]byte(want), []byte("t="+ts+",v1="+sig)) {
		return ErrBadSignature
	}
	return nil
}

// ErrPrivateAddress is a delivery refused because its URL resolves to a
// loopback, private, link-local or unspecified address.
var ErrPrivateAddress = errors.New("webhook URL resolves to a private address")

// newClient returns the delivery client: no redirects (a 3xx is a failed
// attempt), and unless allowPrivate, no connections to the host's own or
// private networks, checked on the resolved address of every dial.
func newClient(allowPrivate bool) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	if !allowPrivate {
		dialer.Control = func(_, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			ip, err := netip.ParseAddr(host)
			if err != nil {
				return fmt.Errorf("%w: %s", ErrPrivateAddress, host)
			}
			ip = ip.Unmap()
			if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
				ip.IsUnspecified() || ip.IsMulticast() || ip.IsInterfaceLocalMulticast() {
				return fmt.Errorf("%w: %s", ErrPrivateAddress, ip)
			}
			return nil
		}
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.DialContext = dialer.DialContext
	transport.Proxy = nil
	return &http.Client{
		Transport:     transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
