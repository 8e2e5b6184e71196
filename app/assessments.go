package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/mail"
	"slices"
	"strings"
	"time"

	"assay/access"
)

// AssessmentStore keeps assessments and their invitations.
type AssessmentStore interface {
	CreateAssessment(ctx context.Context, a access.Assessment) error
	Assessments(ctx context.Context) ([]access.Assessment, error)
	// Assessment and Invitation return an error wrapping
	// runner.ErrNotFound for an unknown id.
	Assessment(ctx context.Context, id string) (access.Assessment, error)
	// CreateInvitation stores the invitation and the hash of its token
	// (the token itself is never stored).
	CreateInvitation(ctx context.Context, inv access.Invitation, tokenHash string) error
	Invitation(ctx context.Context, id string) (access.Invitation, error)
}

// Mailer sends one plain-text email.
type Mailer interface {
	Send(ctx context.Context, to mail.Address, subject, body string) error
}

// Assessments is the use case of staff's assessments: making them, listing
// them, inviting candidates (and emailing them their links), and reading
// an invitation.
type Assessments struct {
	// Catalog is where the challenges an assessment names must exist
	// (and where an email finds their titles).
	Catalog Catalog
	// Store nil: this server keeps no accounts (Unsupported).
	Store AssessmentStore
	// Mailer nil: this server sends no email; a request to send one is
	// Unsupported.
	Mailer Mailer
	Now    func() time.Time
	NewID  func() string
	Logger *slog.Logger
}

// NewAssessment is what an assessment is made of (the body of
// POST /api/v1/assessments, and the review page's form).
type NewAssessment struct {
	Name         string     `json:"name"`
	Challenges   []string   `json:"challenges"`
	Deadline     *time.Time `json:"deadline,omitempty"`
	AttemptLimit int        `json:"attempt_limit,omitempty"`
	WebhookURL   string     `json:"webhook_url,omitempty"`
	// Duration makes the invitations timed sessions ("90m"): the clock
	// starts when the candidate presses Start.
	Duration access.Duration `json:"duration,omitempty"`
}

// NewInvitation is what an invitation is made of (the body of
// POST /api/v1/assessments/{id}/invitations, and each line of the review
// page's form). Challenges, Deadline, AttemptLimit and Duration default to
// the assessment's; TimeMultiplier is an accommodation (1.5: half as much
// time again).
type NewInvitation struct {
	Candidate      string           `json:"candidate"`
	Email          string           `json:"email,omitempty"`
	Challenges     []string         `json:"challenges,omitempty"`
	Deadline       *time.Time       `json:"deadline,omitempty"`
	AttemptLimit   *int             `json:"attempt_limit,omitempty"`
	Duration       *access.Duration `json:"duration,omitempty"`
	TimeMultiplier float64          `json:"time_multiplier,omitempty"`
	// SendEmail emails the candidate their link (the server's SMTP
	// settings; the candidate needs an email).
	SendEmail bool `json:"send_email,omitempty"`
}

// CreatedInvitation is an invitation with its token and link, shown once
// (at creation, and when staff make a new link).
type CreatedInvitation struct {
	access.Invitation
	Token string `json:"token"`
	// Link is the candidate's page, relative to the server.
	Link string `json:"link"`
	// Emailed says the link was emailed (send_email); EmailError why not.
	// The invitation exists either way.
	Emailed    bool   `json:"emailed,omitempty"`
	EmailError string `json:"email_error,omitempty"`
}

// Supported is Unsupported when this server keeps no accounts: for
// callers that must refuse before they read a request.
func (u *Assessments) Supported() error {
	if u.Store == nil {
		return errNoAccounts
	}
	return nil
}

// Create checks and stores an assessment made by p. Errors: Unsupported
// (no accounts), Invalid (the request), Unavailable.
func (u *Assessments) Create(ctx context.Context, p access.Principal, req NewAssessment) (access.Assessment, error) {
	if err := u.Supported(); err != nil {
		return access.Assessment{}, err
	}
	if err := u.checkTerms(req.Name, req.Challenges, req.AttemptLimit); err != nil {
		return access.Assessment{}, err
	}
	if err := CheckDuration(req.Duration); err != nil {
		return access.Assessment{}, err
	}
	if w := req.WebhookURL; w != "" && !strings.HasPrefix(w, "https://") && !strings.HasPrefix(w, "http://") {
		return access.Assessment{}, Errorf(Invalid, "webhook_url must be an http or https URL")
	}
	a := access.Assessment{
		ID: u.NewID(), Name: strings.TrimSpace(req.Name), Challenges: req.Challenges,
		Deadline: utc(req.Deadline), AttemptLimit: req.AttemptLimit, WebhookURL: req.WebhookURL, Duration: req.Duration,
		CreatedAt: u.Now().UTC(), CreatedBy: p.ID,
	}
	if err := u.Store.CreateAssessment(ctx, a); err != nil {
		return access.Assessment{}, StoreFailed(err)
	}
	return a, nil
}

// List is every assessment. Errors: Unsupported, Unavailable.
func (u *Assessments) List(ctx context.Context) ([]access.Assessment, error) {
	if err := u.Supported(); err != nil {
		return nil, err
	}
	list, err := u.Store.Assessments(ctx)
	if err != nil {
		return nil, StoreFailed(err)
	}
	return list, nil
}

// Invite checks and stores an invitation to the assessment made by p; the
// answer holds its token, shown this once. With SendEmail it emails the
// link (base is the server's address as candidates reach it); a failure
// to send is in the answer, not an error: the invitation exists. Errors:
// Unsupported (no accounts; send_email without a mailer), NotFound (the
// assessment), Invalid (the request), Unavailable.
func (u *Assessments) Invite(ctx context.Context, p access.Principal, assessment string, req NewInvitation, base string) (CreatedInvitation, error) {
	if err := u.Supported(); err != nil {
		return CreatedInvitation{}, err
	}
	a, err := u.Store.Assessment(ctx, assessment)
	if err != nil {
		return CreatedInvitation{}, StoreFailed(err)
	}
	inv := access.Invitation{
		ID: u.NewID(), Assessment: a.ID, Candidate: strings.TrimSpace(req.Candidate), Email: strings.TrimSpace(req.Email),
		Challenges: a.Challenges, Deadline: a.Deadline, AttemptLimit: a.AttemptLimit, Duration: a.Duration,
		TimeMultiplier: req.TimeMultiplier,
		CreatedAt:      u.Now().UTC(), CreatedBy: p.ID,
	}
	if len(req.Challenges) > 0 {
		inv.Challenges = req.Challenges
	}
	if req.Deadline != nil {
		inv.Deadline = utc(req.Deadline)
	}
	if req.AttemptLimit != nil {
		inv.AttemptLimit = *req.AttemptLimit
	}
	if req.Duration != nil {
		inv.Duration = *req.Duration
	}
	if err := CheckDuration(inv.Duration); err != nil {
		return CreatedInvitation{}, err
	}
	if m := inv.TimeMultiplier; m != 0 && (m < 1 || m > 4) {
		return CreatedInvitation{}, Errorf(Invalid, "time_multiplier must be from 1 to 4")
	}
	if err := CheckName("email", inv.Email, false); err != nil {
		return CreatedInvitation{}, err
	}
	// The candidate's name is checked as the terms' "name", as it always
	// was: the messages say "name".
	if err := u.checkTerms(inv.Candidate, inv.Challenges, inv.AttemptLimit); err != nil {
		return CreatedInvitation{}, err
	}
	if err := u.checkSendEmail(req.SendEmail, inv.Email); err != nil {
		return CreatedInvitation{}, err
	}
	tok, err := access.NewToken()
	if err != nil {
		return CreatedInvitation{}, fmt.Errorf("new invitation token: %w", err)
	}
	if err := u.Store.CreateInvitation(ctx, inv, access.HashToken(tok)); err != nil {
		return CreatedInvitation{}, StoreFailed(err)
	}
	out := CreatedInvitation{Invitation: inv, Token: tok, Link: "/i/" + tok}
	if req.SendEmail {
		u.emailLink(ctx, p, a, &out, base)
	}
	return out, nil
}

// Invitation reads an invitation for p: staff read any, a candidate only
// their own. Errors: Unsupported, Forbidden, NotFound, Unavailable.
func (u *Assessments) Invitation(ctx context.Context, p access.Principal, id string) (access.Invitation, error) {
	if err := u.Supported(); err != nil {
		return access.Invitation{}, err
	}
	if p.Role == access.RoleCandidate && p.ID != id {
		return access.Invitation{}, Errorf(Forbidden, "invitation %s is not yours", id)
	}
	inv, err := u.Store.Invitation(ctx, id)
	if err != nil {
		return access.Invitation{}, StoreFailed(err)
	}
	return inv, nil
}

// CheckDuration bounds a timed session's duration: none, or ten seconds
// (a quiz question; the browser tests) to a week. Invalid otherwise.
func CheckDuration(d access.Duration) error {
	if d != 0 && (time.Duration(d) < 10*time.Second || time.Duration(d) > 7*24*time.Hour) {
		return Errorf(Invalid, "duration must be from 10s to 168h (a week), or absent for no clock")
	}
	return nil
}

// maxName bounds a name (of an assessment, a candidate, an interviewer)
// and an email address.
const maxName = 200

// CheckName checks a name-like field, trimmed: present when required, at
// most 200 bytes. Invalid otherwise, naming the field.
func CheckName(field, v string, required bool) error {
	v = strings.TrimSpace(v)
	switch {
	case required && v == "":
		return Errorf(Invalid, "%s is required", field)
	case len(v) > maxName:
		return Errorf(Invalid, "%s is longer than %d characters", field, maxName)
	}
	return nil
}

// maxAttempts bounds an attempt limit.
const maxAttempts = 1000

// checkTerms validates what an assessment or invitation grants: a name,
// challenges that exist, each once, and an attempt limit.
func (u *Assessments) checkTerms(name string, slugs []string, attempts int) error {
	if err := CheckName("name", name, true); err != nil {
		return err
	}
	if len(slugs) == 0 {
		return Errorf(Invalid, "challenges is required: a list of challenge slugs")
	}
	for i, slug := range slugs {
		if _, err := u.Catalog.Get(slug); err != nil {
			return Errorf(Invalid, "challenge %q does not exist", slug)
		}
		if slices.Contains(slugs[:i], slug) {
			return Errorf(Invalid, "challenge %q is listed twice", slug)
		}
	}
	if attempts < 0 || attempts > maxAttempts {
		return Errorf(Invalid, "attempt_limit must be from 0 (no limit) to %d", maxAttempts)
	}
	return nil
}

// checkSendEmail refuses send_email without a mailer or an address,
// before anything is created.
func (u *Assessments) checkSendEmail(send bool, email string) error {
	switch {
	case !send:
		return nil
	case u.Mailer == nil:
		return Errorf(Unsupported, "this server sends no email (set ASSAY_SMTP_ADDR and ASSAY_SMTP_FROM)")
	case email == "":
		return Errorf(Invalid, "send_email needs the candidate's email")
	}
	if _, err := mail.ParseAddress(email); err != nil {
		return Errorf(Invalid, "email %q is not an email address", email)
	}
	return nil
}

// emailLink emails a new invitation's link to its candidate and records
// the outcome in out; a failure leaves the invitation as it is (staff
// still have the link to send another way).
func (u *Assessments) emailLink(ctx context.Context, p access.Principal, a access.Assessment, out *CreatedInvitation, base string) {
	subject := fmt.Sprintf("Your coding assessment: %s", a.Name)
	err := u.Mailer.Send(ctx, mail.Address{Name: out.Candidate, Address: out.Email}, subject, u.invitationText(p, a, out, base))
	if err != nil {
		u.Logger.Warn("invitation email not sent", "invitation", out.ID, "err", err)
		out.EmailError = err.Error()
		return
	}
	out.Emailed = true
	u.Logger.Info("invitation emailed", "invitation", out.ID, "by", p.ID)
}

func (u *Assessments) invitationText(p access.Principal, a access.Assessment, out *CreatedInvitation, base string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Hello %s,\n\n", out.Candidate)
	who := p.Name
	if p.Role == access.RoleAdmin || who == "" {
		who = "The hiring team"
	}
	fmt.Fprintf(&b, "%s invites you to a coding assessment, %q.\n\nOpen it here (the link is yours alone: please do not share it):\n\n    %s%s\n\n", who, a.Name, base, out.Link)
	b.WriteString("Challenges:\n")
	for _, slug := range out.Challenges {
		title := slug
		if ch, err := u.Catalog.Get(slug); err == nil {
			title = ch.Title
		}
		fmt.Fprintf(&b, "  - %s\n", title)
	}
	if out.Timed() {
		fmt.Fprintf(&b, "\nIt is timed: you have %s from the moment you press Start on the page, not before.\n", out.Allowed().Round(time.Minute))
	}
	if out.Deadline != nil {
		fmt.Fprintf(&b, "\nSubmit by %s.\n", out.Deadline.UTC().Format("Monday 2 January 2006, 15:04 UTC"))
	}
	if out.AttemptLimit > 0 {
		fmt.Fprintf(&b, "You may submit each challenge up to %d times; Runs of the visible tests do not count.\n", out.AttemptLimit)
	}
	b.WriteString("\nGood luck!\n")
	return b.String()
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := t.UTC()
	return &v
}
