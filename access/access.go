// Package access holds who may use Assay: the roles, the principal a
// request acts as, interviewers, assessments and the invitations that let
// candidates in, and the tokens that name them. It depends on nothing of
// Assay's; runner/redis stores these records and api enforces them.
package access

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Role is what a principal may do.
type Role string

// The roles.
const (
	// RoleAdmin holds the bootstrap token from configuration: everything,
	// including creating interviewers.
	RoleAdmin Role = "admin"
	// RoleInterviewer holds a token the admin created: assessments,
	// invitations, and every submission's full view.
	RoleInterviewer Role = "interviewer"
	// RoleCandidate holds an invitation: the invitation's challenges, and
	// only their own submissions in the candidate view.
	RoleCandidate Role = "candidate"
)

// Staff reports whether the role reviews candidates (admin or interviewer).
func (r Role) Staff() bool { return r == RoleAdmin || r == RoleInterviewer }

// AdminID is the principal id of the admin.
const AdminID = "admin"

// Principal is who a request acts as.
type Principal struct {
	Role Role `json:"role"`
	// ID is AdminID, an interviewer's id or an invitation's id.
	ID   string `json:"id"`
	Name string `json:"name"`
	// Invitation is set for candidates.
	Invitation *Invitation `json:"invitation,omitempty"`
}

// Interviewer is a person with an API token created by the admin.
type Interviewer struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by"`
	// RevokedAt is when the admin revoked its token; nil while it works.
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// Assessment groups the invitations sent for one opening or round.
type Assessment struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Challenges []string `json:"challenges"`
	// Deadline, AttemptLimit and Duration are the defaults of its
	// invitations.
	Deadline     *time.Time `json:"deadline,omitempty"`
	AttemptLimit int        `json:"attempt_limit,omitempty"`
	Duration     Duration   `json:"duration,omitempty"`
	// WebhookURL, when set, is told of every finished submission of the
	// assessment's candidates (see docs/WEBHOOKS.md).
	WebhookURL string    `json:"webhook_url,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	CreatedBy  string    `json:"created_by"`
}

// Invitation lets one candidate take an assessment's challenges.
type Invitation struct {
	ID         string   `json:"id"`
	Assessment string   `json:"assessment"`
	Candidate  string   `json:"candidate"`
	Email      string   `json:"email,omitempty"`
	Challenges []string `json:"challenges"`
	// Deadline, when set, is the last moment a submission is accepted.
	Deadline *time.Time `json:"deadline,omitempty"`
	// AttemptLimit, when above 0, bounds the submissions per challenge.
	AttemptLimit int       `json:"attempt_limit,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	CreatedBy    string    `json:"created_by"`
	// Duration, when above 0, makes the invitation a timed session: the
	// clock starts at StartedAt, when the candidate presses Start, and
	// runs for Duration times TimeMultiplier (an accommodation; 0 is 1)
	// plus ExtraTime, or until the Deadline if that comes first.
	Duration       Duration   `json:"duration,omitempty"`
	StartedAt      *time.Time `json:"started_at,omitempty"`
	TimeMultiplier float64    `json:"time_multiplier,omitempty"`
	ExtraTime      Duration   `json:"extra_time,omitempty"`
	// RevokedAt, when set, is when staff revoked the invitation: its link
	// no longer works; its submissions stay.
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
	RevokedBy string     `json:"revoked_by,omitempty"`
}

// Duration is a length of time, written in JSON as Go writes durations
// ("1h30m0s"); a number is read as seconds.
type Duration time.Duration

// String writes d as "1h30m0s".
func (d Duration) String() string { return time.Duration(d).String() }

// MarshalJSON writes d as "1h30m0s".
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads "90m", "1h30m" or a number of seconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		v, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("a duration such as \"90m\" or \"1h30m\": %w", err)
		}
		*d = Duration(v)
		return nil
	}
	var secs float64
	if err := json.Unmarshal(b, &secs); err != nil {
		return errors.New("a duration such as \"90m\", or a number of seconds")
	}
	*d = Duration(secs * float64(time.Second))
	return nil
}

// Timed reports whether the invitation is a timed session.
func (inv *Invitation) Timed() bool { return inv.Duration > 0 }

// WaitsForStart reports whether the invitation is timed and its clock has
// not started: nothing may be submitted or saved before Start.
func (inv *Invitation) WaitsForStart() bool { return inv.Timed() && inv.StartedAt == nil }

// Allowed is how long a timed session lasts once started: its duration
// times the multiplier, plus the extra time.
func (inv *Invitation) Allowed() time.Duration {
	m := inv.TimeMultiplier
	if m <= 0 {
		m = 1
	}
	return time.Duration(float64(inv.Duration)*m) + time.Duration(inv.ExtraTime)
}

// Ends is when the invitation stops accepting work: the deadline, or the
// end of a started session's time if that comes first; nil when neither
// is set.
func (inv *Invitation) Ends() *time.Time {
	end := inv.Deadline
	if inv.Timed() && inv.StartedAt != nil {
		t := inv.StartedAt.Add(inv.Allowed())
		if end == nil || t.Before(*end) {
			end = &t
		}
	}
	return end
}

// TimeIsOver reports whether a started timed session ran out of its own
// time (not the deadline's) at now.
func (inv *Invitation) TimeIsOver(now time.Time) bool {
	if !inv.Timed() || inv.StartedAt == nil {
		return false
	}
	return now.After(inv.StartedAt.Add(inv.Allowed()))
}

// Revoked reports whether staff revoked the invitation.
func (inv *Invitation) Revoked() bool { return inv.RevokedAt != nil }

// Allows reports whether the invitation covers the challenge.
func (inv *Invitation) Allows(slug string) bool { return slices.Contains(inv.Challenges, slug) }

// Expired reports whether the invitation stopped accepting work at now:
// its deadline passed, or its session's time ran out.
func (inv *Invitation) Expired(now time.Time) bool {
	end := inv.Ends()
	return end != nil && now.After(*end)
}

// Sentinel errors that callers branch on.
var (
	// ErrNoAttemptsLeft is returned when an invitation's attempt limit
	// for a challenge is used up.
	ErrNoAttemptsLeft = errors.New("no attempts left")
	// ErrAlreadyStarted: a timed session's clock runs already.
	ErrAlreadyStarted = errors.New("the session has started already")
)

// tokenBytes is the entropy of a token: 256 bits, so a plain SHA-256 of
// it is a safe thing to store (no salt or slow hash is needed for a
// secret nobody can guess).
const tokenBytes = 32

// NewToken returns a fresh random token (URL-safe, 43 characters).
func NewToken() (string, error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("new token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// HashToken is what is stored of a token: its SHA-256, hex-encoded.
func HashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}
