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
}

// Assessment groups the invitations sent for one opening or round.
type Assessment struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Challenges []string `json:"challenges"`
	// Deadline and AttemptLimit are the defaults of its invitations.
	Deadline     *time.Time `json:"deadline,omitempty"`
	AttemptLimit int        `json:"attempt_limit,omitempty"`
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
}

// Allows reports whether the invitation covers the challenge.
func (inv *Invitation) Allows(slug string) bool { return slices.Contains(inv.Challenges, slug) }

// Expired reports whether the deadline has passed at now.
func (inv *Invitation) Expired(now time.Time) bool {
	return inv.Deadline != nil && now.After(*inv.Deadline)
}

// Sentinel errors that callers branch on.
var (
	// ErrNoAttemptsLeft is returned when an invitation's attempt limit
	// for a challenge is used up.
	ErrNoAttemptsLeft = errors.New("no attempts left")
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
