package app_test

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"testing"
	"time"

	"assay/access"
	"assay/app"
	"assay/runner"
)

// assessmentStore is an in-memory app.AssessmentStore.
type assessmentStore struct {
	assessments map[string]access.Assessment
	invitations map[string]access.Invitation
	hashes      map[string]string // invitation id -> token hash
	err         error
}

func (s *assessmentStore) CreateAssessment(_ context.Context, a access.Assessment) error {
	if s.err != nil {
		return s.err
	}
	s.assessments[a.ID] = a
	return nil
}

func (s *assessmentStore) Assessments(context.Context) ([]access.Assessment, error) {
	if s.err != nil {
		return nil, s.err
	}
	var out []access.Assessment
	for _, a := range s.assessments {
		out = append(out, a)
	}
	return out, nil
}

func (s *assessmentStore) Assessment(_ context.Context, id string) (access.Assessment, error) {
	if s.err != nil {
		return access.Assessment{}, s.err
	}
	a, ok := s.assessments[id]
	if !ok {
		return a, fmt.Errorf("assessment %s: %w", id, runner.ErrNotFound)
	}
	return a, nil
}

func (s *assessmentStore) CreateInvitation(_ context.Context, inv access.Invitation, hash string) error {
	if s.err != nil {
		return s.err
	}
	s.invitations[inv.ID], s.hashes[inv.ID] = inv, hash
	return nil
}

func (s *assessmentStore) Invitation(ctx context.Context, id string) (access.Invitation, error) {
	if s.err != nil {
		return access.Invitation{}, s.err
	}
	return invitationMap(s.invitations).Invitation(ctx, id)
}

// outbox is a Mailer that keeps what it sends, or fails with err.
type outbox struct {
	sent []string // "to|subject|body"
	err  error
}

func (o *outbox) Send(_ context.Context, to mail.Address, subject, body string) error {
	if o.err != nil {
		return o.err
	}
	o.sent = append(o.sent, to.String()+"|"+subject+"|"+body)
	return nil
}

var deadline = now.Add(48 * time.Hour)

// newAssessments has assessment as-1 (add and sum, 3 attempts, a
// deadline, 90 minutes) with one invitation, inv-1.
func newAssessments() (*app.Assessments, *assessmentStore, *outbox) {
	st := &assessmentStore{
		assessments: map[string]access.Assessment{"as-1": {ID: "as-1", Name: "Backend", Challenges: []string{"add", "sum"},
			AttemptLimit: 3, Deadline: &deadline, Duration: access.Duration(90 * time.Minute)}},
		invitations: map[string]access.Invitation{"inv-1": {ID: "inv-1", Assessment: "as-1", Candidate: "Ada"}},
		hashes:      map[string]string{},
	}
	mb := &outbox{}
	cat := addCatalog()
	cat["add"].Title, cat["sum"].Title = "Add two numbers", "Sum a list"
	return &app.Assessments{Catalog: cat, Store: st, Mailer: mb, Now: clock, NewID: ids(), Logger: quiet}, st, mb
}

func TestCreateAssessment(t *testing.T) {
	u, st, _ := newAssessments()
	local := time.Date(2025, 3, 5, 9, 0, 0, 0, time.FixedZone("CET", 3600))
	a, err := u.Create(context.Background(), staffer, app.NewAssessment{Name: "  Platform  ", Challenges: []string{"sum"}, Deadline: &local,
		AttemptLimit: 5, WebhookURL: "https://hooks.example/x", Duration: access.Duration(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != "id-1" || a.Name != "Platform" || a.CreatedBy != staffer.ID || !a.CreatedAt.Equal(now) || a.AttemptLimit != 5 ||
		a.Deadline.Location() != time.UTC || !a.Deadline.Equal(local) {
		t.Fatalf("assessment %+v", a)
	}
	if got := st.assessments["id-1"]; got.Name != "Platform" || got.WebhookURL != "https://hooks.example/x" {
		t.Fatalf("stored %+v", got)
	}
	list, err := u.List(context.Background())
	if err != nil || len(list) != 2 {
		t.Fatalf("List = %v, %v", list, err)
	}
}

func TestCreateAssessmentRefusals(t *testing.T) {
	ok := app.NewAssessment{Name: "A", Challenges: []string{"add"}}
	for _, tc := range []struct {
		name  string
		edit  func(r *app.NewAssessment)
		setup func(u *app.Assessments, st *assessmentStore)
		kind  app.Kind
		msg   string
	}{
		{name: "no accounts", setup: func(u *app.Assessments, _ *assessmentStore) { u.Store = nil }, kind: app.Unsupported, msg: "this server keeps no accounts"},
		{name: "no name", edit: func(r *app.NewAssessment) { r.Name = "  " }, kind: app.Invalid, msg: "name is required"},
		{name: "long name", edit: func(r *app.NewAssessment) { r.Name = strings.Repeat("x", 201) }, kind: app.Invalid, msg: "name is longer than 200 characters"},
		{name: "no challenges", edit: func(r *app.NewAssessment) { r.Challenges = nil }, kind: app.Invalid, msg: "challenges is required"},
		{name: "unknown challenge", edit: func(r *app.NewAssessment) { r.Challenges = []string{"add", "mul"} }, kind: app.Invalid, msg: `challenge "mul" does not exist`},
		{name: "twice", edit: func(r *app.NewAssessment) { r.Challenges = []string{"add", "sum", "add"} }, kind: app.Invalid, msg: `challenge "add" is listed twice`},
		{name: "attempts below 0", edit: func(r *app.NewAssessment) { r.AttemptLimit = -1 }, kind: app.Invalid, msg: "attempt_limit must be from 0 (no limit) to 1000"},
		{name: "attempts above 1000", edit: func(r *app.NewAssessment) { r.AttemptLimit = 1001 }, kind: app.Invalid, msg: "attempt_limit"},
		{name: "short session", edit: func(r *app.NewAssessment) { r.Duration = access.Duration(9 * time.Second) }, kind: app.Invalid, msg: "duration must be from 10s to 168h"},
		{name: "long session", edit: func(r *app.NewAssessment) { r.Duration = access.Duration(169 * time.Hour) }, kind: app.Invalid, msg: "duration must be from 10s to 168h"},
		{name: "webhook not http", edit: func(r *app.NewAssessment) { r.WebhookURL = "ftp://x" }, kind: app.Invalid, msg: "webhook_url must be an http or https URL"},
		{name: "store down", setup: func(_ *app.Assessments, st *assessmentStore) { st.err = errDown }, kind: app.Unavailable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, st, _ := newAssessments()
			if tc.setup != nil {
				tc.setup(u, st)
			}
			req := ok
			if tc.edit != nil {
				tc.edit(&req)
			}
			_, err := u.Create(context.Background(), staffer, req)
			wantKind(t, err, tc.kind, tc.msg)
			if len(st.assessments) != 1 {
				t.Errorf("a refused assessment was stored: %v", st.assessments)
			}
		})
	}
}

func TestInviteTakesTheAssessmentsTerms(t *testing.T) {
	u, st, mb := newAssessments()
	out, err := u.Invite(context.Background(), staffer, "as-1", app.NewInvitation{Candidate: " Bob ", Email: " bob@example.com "}, "https://assay.example")
	if err != nil {
		t.Fatal(err)
	}
	inv := out.Invitation
	if inv.ID != "id-1" || inv.Assessment != "as-1" || inv.Candidate != "Bob" || inv.Email != "bob@example.com" || inv.AttemptLimit != 3 ||
		!inv.Deadline.Equal(deadline) || inv.Duration != access.Duration(90*time.Minute) || len(inv.Challenges) != 2 || inv.CreatedBy != staffer.ID {
		t.Fatalf("invitation %+v", inv)
	}
	// The token is shown once and only its hash is stored.
	if out.Token == "" || out.Link != "/i/"+out.Token || st.hashes[inv.ID] != access.HashToken(out.Token) || st.hashes[inv.ID] == out.Token {
		t.Fatalf("token %q, link %q, stored hash %q", out.Token, out.Link, st.hashes[inv.ID])
	}
	if len(mb.sent) != 0 || out.Emailed {
		t.Fatalf("emailed without send_email: %v", mb.sent)
	}
}

func TestInviteOverridesTheTerms(t *testing.T) {
	u, _, _ := newAssessments()
	zero, untimed, later := 0, access.Duration(0), deadline.Add(time.Hour).In(time.FixedZone("X", -7200))
	out, err := u.Invite(context.Background(), staffer, "as-1", app.NewInvitation{Candidate: "Bob", Challenges: []string{"sum"},
		AttemptLimit: &zero, Duration: &untimed, Deadline: &later, TimeMultiplier: 1.5}, "")
	if err != nil {
		t.Fatal(err)
	}
	inv := out.Invitation
	if len(inv.Challenges) != 1 || inv.Challenges[0] != "sum" || inv.AttemptLimit != 0 || inv.Duration != 0 || inv.TimeMultiplier != 1.5 ||
		!inv.Deadline.Equal(later) || inv.Deadline.Location() != time.UTC {
		t.Fatalf("invitation %+v", inv)
	}
}

func TestInviteRefusals(t *testing.T) {
	big := 1001
	for _, tc := range []struct {
		name  string
		id    string
		req   app.NewInvitation
		setup func(u *app.Assessments, st *assessmentStore)
		kind  app.Kind
		msg   string
	}{
		{name: "no accounts", req: app.NewInvitation{Candidate: "Bob"}, setup: func(u *app.Assessments, _ *assessmentStore) { u.Store = nil }, kind: app.Unsupported, msg: "this server keeps no accounts"},
		{name: "unknown assessment", id: "as-9", req: app.NewInvitation{Candidate: "Bob"}, kind: app.NotFound, msg: "assessment as-9: not found"},
		{name: "no candidate", req: app.NewInvitation{Candidate: " "}, kind: app.Invalid, msg: "name is required"},
		{name: "long email", req: app.NewInvitation{Candidate: "Bob", Email: strings.Repeat("e", 201)}, kind: app.Invalid, msg: "email is longer than 200 characters"},
		{name: "multiplier below 1", req: app.NewInvitation{Candidate: "Bob", TimeMultiplier: 0.5}, kind: app.Invalid, msg: "time_multiplier must be from 1 to 4"},
		{name: "multiplier above 4", req: app.NewInvitation{Candidate: "Bob", TimeMultiplier: 4.5}, kind: app.Invalid, msg: "time_multiplier must be from 1 to 4"},
		{name: "challenge unknown", req: app.NewInvitation{Candidate: "Bob", Challenges: []string{"mul"}}, kind: app.Invalid, msg: `challenge "mul" does not exist`},
		{name: "attempts", req: app.NewInvitation{Candidate: "Bob", AttemptLimit: &big}, kind: app.Invalid, msg: "attempt_limit"},
		{name: "send without a mailer", req: app.NewInvitation{Candidate: "Bob", Email: "bob@example.com", SendEmail: true},
			setup: func(u *app.Assessments, _ *assessmentStore) { u.Mailer = nil }, kind: app.Unsupported, msg: "this server sends no email"},
		{name: "send without an email", req: app.NewInvitation{Candidate: "Bob", SendEmail: true}, kind: app.Invalid, msg: "send_email needs the candidate's email"},
		{name: "send to a bad address", req: app.NewInvitation{Candidate: "Bob", Email: "bob at example", SendEmail: true}, kind: app.Invalid, msg: `email "bob at example" is not an email address`},
		{name: "store down", req: app.NewInvitation{Candidate: "Bob"}, setup: func(_ *app.Assessments, st *assessmentStore) { st.err = errDown }, kind: app.Unavailable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, st, mb := newAssessments()
			if tc.setup != nil {
				tc.setup(u, st)
			}
			id := tc.id
			if id == "" {
				id = "as-1"
			}
			_, err := u.Invite(context.Background(), staffer, id, tc.req, "")
			wantKind(t, err, tc.kind, tc.msg)
			if len(st.invitations) != 1 || len(mb.sent) != 0 {
				t.Errorf("a refused invitation was stored (%d) or emailed (%d)", len(st.invitations), len(mb.sent))
			}
		})
	}
}

func TestInviteEmailsTheLink(t *testing.T) {
	u, _, mb := newAssessments()
	out, err := u.Invite(context.Background(), staffer, "as-1", app.NewInvitation{Candidate: "Bob", Email: "bob@example.com", SendEmail: true}, "https://assay.example")
	if err != nil {
		t.Fatal(err)
	}
	if !out.Emailed || out.EmailError != "" || len(mb.sent) != 1 {
		t.Fatalf("emailed %v (%q), sent %d", out.Emailed, out.EmailError, len(mb.sent))
	}
	mailed := mb.sent[0]
	for _, want := range []string{`"Bob" <bob@example.com>|Your coding assessment: Backend|`, "Hello Bob,", "Grace invites you",
		"https://assay.example/i/" + out.Token, "  - Add two numbers\n  - Sum a list\n", "you have 1h30m0s from the moment you press Start",
		"Submit by Monday 3 March 2025, 12:00 UTC.", "up to 3 times"} {
		if !strings.Contains(mailed, want) {
			t.Errorf("the email lacks %q:\n%s", want, mailed)
		}
	}
	// The admin writes as the hiring team, not as "admin".
	if _, err := u.Invite(context.Background(), admin, "as-1", app.NewInvitation{Candidate: "Cy", Email: "cy@example.com", SendEmail: true}, ""); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(mb.sent[1], "The hiring team invites you") {
		t.Errorf("the admin's email: %s", mb.sent[1])
	}
}

// TestInviteEmailFails: the invitation stands when the email cannot be
// sent, and the answer says why.
func TestInviteEmailFails(t *testing.T) {
	u, st, mb := newAssessments()
	mb.err = errors.New("550 mailbox unavailable")
	out, err := u.Invite(context.Background(), staffer, "as-1", app.NewInvitation{Candidate: "Bob", Email: "bob@example.com", SendEmail: true}, "")
	if err != nil {
		t.Fatal(err)
	}
	if out.Emailed || out.EmailError != "550 mailbox unavailable" || st.invitations[out.ID].ID == "" {
		t.Fatalf("emailed %v, error %q, stored %v", out.Emailed, out.EmailError, st.invitations[out.ID])
	}
}

func TestReadInvitation(t *testing.T) {
	u, _, _ := newAssessments()
	ctx := context.Background()
	own := access.Principal{Role: access.RoleCandidate, ID: "inv-1"}
	other := access.Principal{Role: access.RoleCandidate, ID: "inv-2"}
	if inv, err := u.Invitation(ctx, own, "inv-1"); err != nil || inv.Candidate != "Ada" {
		t.Fatalf("own invitation: %+v, %v", inv, err)
	}
	if inv, err := u.Invitation(ctx, staffer, "inv-1"); err != nil || inv.Candidate != "Ada" {
		t.Fatalf("staff: %+v, %v", inv, err)
	}
	_, err := u.Invitation(ctx, other, "inv-1")
	wantKind(t, err, app.Forbidden, "invitation inv-1 is not yours")
	_, err = u.Invitation(ctx, staffer, "inv-9")
	wantKind(t, err, app.NotFound, "invitation inv-9: not found")
	u.Store = nil
	_, err = u.Invitation(ctx, staffer, "inv-1")
	wantKind(t, err, app.Unsupported, "this server keeps no accounts")
}
