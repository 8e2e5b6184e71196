package api

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"assay/access"
	"assay/app"
	"assay/runner"
)

// Accounts keeps who may use Assay: interviewers, assessments and the
// invitations that let candidates in, each found by the hash of its token.
// runner/redis implements it.
type Accounts interface {
	// Resolve returns the principal a token hash names, or an error
	// wrapping runner.ErrNotFound when it names none (unknown or revoked).
	Resolve(ctx context.Context, tokenHash string) (access.Principal, error)
	CreateInterviewer(ctx context.Context, iv access.Interviewer, tokenHash string) error
	Interviewers(ctx context.Context) ([]access.Interviewer, error)
	RevokeInterviewer(ctx context.Context, id string) error
	CreateAssessment(ctx context.Context, a access.Assessment) error
	Assessments(ctx context.Context) ([]access.Assessment, error)
	Assessment(ctx context.Context, id string) (access.Assessment, error)
	CreateInvitation(ctx context.Context, inv access.Invitation, tokenHash string) error
	Invitations(ctx context.Context, assessment string) ([]access.Invitation, error)
	Invitation(ctx context.Context, id string) (access.Invitation, error)
	// InvitationSubmissions lists an invitation's submission ids, oldest first.
	InvitationSubmissions(ctx context.Context, id string) ([]string, error)
	// InvitationRuns lists an invitation's Runs' ids, oldest first.
	InvitationRuns(ctx context.Context, id string) ([]string, error)
	// StartInvitation starts a timed session's clock, once (an error
	// wrapping ErrAlreadyStarted after); GiveTime adds extra time and sets
	// the multiplier when it is above 0.
	StartInvitation(ctx context.Context, id string, now time.Time) (access.Invitation, error)
	GiveTime(ctx context.Context, id string, extra time.Duration, multiplier float64) (access.Invitation, error)
	// SaveDraft keeps a candidate's latest draft and its history; Draft
	// returns the latest (ErrNotFound when none), DraftHistory every save.
	SaveDraft(ctx context.Context, d runner.Draft) error
	Draft(ctx context.Context, invitation, challenge string) (runner.Draft, error)
	DraftHistory(ctx context.Context, invitation, challenge string) ([]runner.Draft, error)
	// Allow counts one event for who in the current fixed window of
	// length per and reports whether it is within limit, and if not how
	// long until the window ends.
	Allow(ctx context.Context, who string, limit int, per time.Duration, now time.Time) (bool, time.Duration, error)
}

// RateLimit bounds how many submissions one candidate makes in a window.
// The zero value means no limit.
type RateLimit = app.RateLimit

// ParseRateLimit reads "N/DURATION" (10/1m: ten per minute), or "0" or
// "off" for no limit.
func ParseRateLimit(s string) (RateLimit, error) { return app.ParseRateLimit(s) }

// Cookies that carry a token for pages. Both are HttpOnly and
// SameSite=Strict, and are read only on GET and HEAD requests, so a
// cookie can never make another site's form change anything.
const (
	cookieReview    = "assay_review"    // set by the interviewer login form
	cookieCandidate = "assay_candidate" // set when a candidate opens /i/TOKEN
)

// principalKey is where allow puts the request's principal in the gin context.
const principalKey = "assay.principal"

// formTokenKey is where page puts the anti-forgery field for its forms.
const formTokenKey = "assay.form_token"

var (
	// errNoCredentials: the request carries no token at all (401).
	errNoCredentials = errors.New("no credentials")
	// errBadToken: the token names nobody (401).
	errBadToken = errors.New("unknown or revoked token")
)

// everyone is every role: any principal, but a principal there must be.
var everyone = []access.Role{access.RoleAdmin, access.RoleInterviewer, access.RoleCandidate}

// staff is the reviewers.
var staff = []access.Role{access.RoleAdmin, access.RoleInterviewer}

// malformed stands for an Authorization header that is not a bearer
// token: it resolves to nobody (401), never to "no credentials".
const malformed = "\x00malformed"

// token returns the request's token: the bearer token, or on GET and HEAD
// the first of the named cookies that is set.
func token(c *gin.Context, cookies ...string) string {
	if h := c.GetHeader("Authorization"); h != "" {
		scheme, tok, ok := strings.Cut(h, " ")
		if tok = strings.TrimSpace(tok); !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
			return malformed
		}
		return tok
	}
	if c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead {
		return ""
	}
	for _, name := range cookies {
		if v, err := c.Cookie(name); err == nil && v != "" {
			return v
		}
	}
	return ""
}

// resolve turns a token into its principal.
func (s *server) resolve(ctx context.Context, tok string) (access.Principal, error) {
	if tok == "" {
		return access.Principal{}, errNoCredentials
	}
	if s.cfg.AdminToken != "" && subtle.ConstantTimeCompare([]byte(tok), []byte(s.cfg.AdminToken)) == 1 {
		return access.Principal{Role: access.RoleAdmin, ID: access.AdminID, Name: "admin"}, nil
	}
	if s.cfg.Accounts == nil || tok == malformed || len(tok) > 200 {
		return access.Principal{}, errBadToken
	}
	p, err := s.cfg.Accounts.Resolve(ctx, access.HashToken(tok))
	if errors.Is(err, runner.ErrNotFound) {
		return access.Principal{}, errBadToken
	}
	if err != nil {
		return access.Principal{}, unavailable(fmt.Errorf("resolve token: %w", err))
	}
	return p, nil
}

// authorize resolves the request's token to a principal and checks that it
// has one of roles: no token or an unknown one is a 401 error, a
// principal of another role a 403 one.
func (s *server) authorize(c *gin.Context, tok string, roles []access.Role) (access.Principal, error) {
	p, err := s.resolve(c.Request.Context(), tok)
	switch {
	case errors.Is(err, errNoCredentials):
		c.Header("WWW-Authenticate", `Bearer realm="assay"`)
		return p, errorf(http.StatusUnauthorized, "send a token: Authorization: Bearer TOKEN")
	case errors.Is(err, errBadToken):
		c.Header("WWW-Authenticate", `Bearer realm="assay", error="invalid_token"`)
		return p, errorf(http.StatusUnauthorized, "the token is unknown or was revoked")
	case err != nil:
		return p, err
	}
	if !slices.Contains(roles, p.Role) {
		return p, forbidden(p, roles)
	}
	return p, nil
}

// allow is the one authorization middleware of the API: every route that
// is not public declares through it the roles that may call it.
func (s *server) allow(roles ...access.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, err := s.authorize(c, token(c, cookieReview, cookieCandidate), roles)
		if err != nil {
			writeError(c, s.cfg.Logger, err)
			return
		}
		c.Set(principalKey, p)
		c.Next()
	}
}

// page is allow for the review pages: it reads only the review cookie
// (a candidate link opened in the same browser does not get in the way),
// without a token it sends the browser to the login form, and it shows
// refusals as a page.
func (s *server) page(roles ...access.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		tok := token(c, cookieReview)
		if tok == "" {
			c.Redirect(http.StatusSeeOther, "/review/login?next="+url.QueryEscape(c.Request.URL.RequestURI()))
			c.Abort()
			return
		}
		s.enterPage(c, tok, roles)
	}
}

// enterPage lets a review page's request through with the principal of tok
// (and the anti-forgery field for its forms), or shows the refusal.
func (s *server) enterPage(c *gin.Context, tok string, roles []access.Role) {
	p, err := s.authorize(c, tok, roles)
	if err != nil {
		s.errorPage(c, err)
		return
	}
	c.Set(principalKey, p)
	c.Set(formTokenKey, formToken(tok))
	c.Next()
}

// formPage is page for a review form's POST. Cookies authenticate only
// GETs elsewhere; here the review cookie is taken because the form also
// carries the anti-forgery field only a page of this site can know (see
// formToken), and a browser's Origin, when sent, must be this host.
func (s *server) formPage(roles ...access.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		// A form not read already by a bound of its own (uploads) is read
		// here within maxFormBytes: the review forms hold a few lines.
		if c.Request.PostForm == nil && c.Request.MultipartForm == nil {
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxFormBytes)
			if err := c.Request.ParseForm(); err != nil {
				var tooBig *http.MaxBytesError
				if errors.As(err, &tooBig) {
					s.errorPage(c, errorf(http.StatusRequestEntityTooLarge, "The form is larger than %d KiB. Nothing was done.", maxFormBytes>>10))
					return
				}
				s.errorPage(c, errorf(http.StatusBadRequest, "The form could not be read (%s). Nothing was done.", err))
				return
			}
		}
		tok := token(c)
		if tok == "" {
			if v, err := c.Cookie(cookieReview); err == nil {
				tok = v
			}
			if tok != "" {
				origin := sameOrigin(c.Request)
				field := subtle.ConstantTimeCompare([]byte(c.PostForm("form_token")), []byte(formToken(tok))) == 1
				if !origin || !field {
					s.cfg.Logger.Warn("review form refused", "path", c.Request.URL.Path, "origin", c.GetHeader("Origin"), "same_origin", origin, "form_token_ok", field)
					s.errorPage(c, errorf(http.StatusForbidden, "This form has expired or was sent from another site. Reload the page and try again."))
					return
				}
			}
		}
		if tok == "" {
			c.Redirect(http.StatusSeeOther, "/review/login")
			c.Abort()
			return
		}
		s.enterPage(c, tok, roles)
	}
}

// maxFormBytes bounds a review form's body (a pasted list of candidates,
// a note).
const maxFormBytes = 64 << 10

// formToken is the anti-forgery field of the review forms: derived from
// the signed-in token, so it needs no server state, and unreadable to
// another site, which cannot read the page (nor the HttpOnly cookie).
func formToken(tok string) string {
	m := hmac.New(sha256.New, []byte(tok))
	m.Write([]byte("assay review form"))
	return hex.EncodeToString(m.Sum(nil))
}

// sameOrigin refuses a request whose Origin header names another host.
// Browsers send it on form POSTs, as "null" under the pages'
// Referrer-Policy no-referrer; tools usually do not send it. The form
// field is the check that counts; this one is a second line.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" || o == "null" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}

func forbidden(p access.Principal, roles []access.Role) error {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	return errorf(http.StatusForbidden, "a %s may not do this; it needs the %s role", p.Role, strings.Join(names, " or "))
}

// principalOf returns the principal allow found.
func principalOf(c *gin.Context) access.Principal {
	v, _ := c.Get(principalKey)
	p, _ := v.(access.Principal)
	return p
}

// owns reports whether p may see a submission: staff see every one, a
// candidate only the submissions made with their invitation.
func owns(p access.Principal, sub runner.Submission) bool {
	return p.Role.Staff() || (p.Role == access.RoleCandidate && sub.Invitation != "" && sub.Invitation == p.ID)
}

// readable loads a submission and checks that the request's principal may
// see it: 404 when it does not exist, 403 when it is someone else's.
func (s *server) readable(c *gin.Context, id string) (runner.State, bool) {
	st, err := s.cfg.Submissions.Get(c.Request.Context(), id)
	if err != nil {
		writeError(c, s.cfg.Logger, unavailable(fmt.Errorf("get submission: %w", err)))
		return st, false
	}
	if !owns(principalOf(c), st.Submission) {
		writeError(c, s.cfg.Logger, errorf(http.StatusForbidden, "submission %s is not yours", id))
		return st, false
	}
	return st, true
}

// view is the state as the principal may see it: the full view for staff,
// the candidate view otherwise.
func view(p access.Principal, st runner.State) any {
	if p.Role.Staff() {
		return FullState{View: ViewFull, State: st}
	}
	return candidateView(st)
}
