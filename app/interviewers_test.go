package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"assay/access"
	"assay/app"
	"assay/runner"
)

// interviewerStore is an in-memory app.InterviewerStore.
type interviewerStore struct {
	list   []access.Interviewer
	hashes map[string]string
	err    error
}

func (s *interviewerStore) CreateInterviewer(_ context.Context, iv access.Interviewer, hash string) error {
	if s.err != nil {
		return s.err
	}
	s.list, s.hashes[iv.ID] = append(s.list, iv), hash
	return nil
}

func (s *interviewerStore) Interviewers(context.Context) ([]access.Interviewer, error) {
	return s.list, s.err
}

func (s *interviewerStore) RevokeInterviewer(_ context.Context, id string) error {
	if s.err != nil {
		return s.err
	}
	for i := range s.list {
		if s.list[i].ID == id {
			t := now
			s.list[i].RevokedAt = &t
			return nil
		}
	}
	return fmt.Errorf("interviewer %s: %w", id, runner.ErrNotFound)
}

func TestInterviewers(t *testing.T) {
	st := &interviewerStore{hashes: map[string]string{}}
	u := &app.Interviewers{Store: st, Now: clock, NewID: ids()}
	ctx := context.Background()
	out, err := u.Create(ctx, admin, "  Grace Hopper ")
	if err != nil {
		t.Fatal(err)
	}
	if out.ID != "id-1" || out.Name != "Grace Hopper" || out.CreatedBy != access.AdminID || !out.CreatedAt.Equal(now) {
		t.Fatalf("interviewer %+v", out.Interviewer)
	}
	if out.Token == "" || st.hashes["id-1"] != access.HashToken(out.Token) {
		t.Fatalf("token %q, stored hash %q", out.Token, st.hashes["id-1"])
	}
	if err := u.Revoke(ctx, "id-1"); err != nil {
		t.Fatal(err)
	}
	list, err := u.List(ctx)
	if err != nil || len(list) != 1 || list[0].RevokedAt == nil {
		t.Fatalf("List = %+v, %v", list, err)
	}
	wantKind(t, u.Revoke(ctx, "id-9"), app.NotFound, "interviewer id-9: not found")
}

func TestInterviewerRefusals(t *testing.T) {
	ctx := context.Background()
	st := &interviewerStore{hashes: map[string]string{}}
	u := &app.Interviewers{Store: st, Now: clock, NewID: ids()}
	_, err := u.Create(ctx, admin, " ")
	wantKind(t, err, app.Invalid, "name is required")
	_, err = u.Create(ctx, admin, strings.Repeat("n", 201))
	wantKind(t, err, app.Invalid, "name is longer than 200 characters")
	if len(st.list) != 0 {
		t.Fatalf("a refused interviewer was stored: %+v", st.list)
	}
	st.err = errDown
	_, err = u.Create(ctx, admin, "Grace")
	wantKind(t, err, app.Unavailable, "")
	_, err = u.List(ctx)
	wantKind(t, err, app.Unavailable, "")
	wantKind(t, u.Revoke(ctx, "id-1"), app.Unavailable, "")

	off := &app.Interviewers{Now: clock, NewID: ids()}
	wantKind(t, off.Supported(), app.Unsupported, "this server keeps no accounts")
	_, err = off.Create(ctx, admin, "Grace")
	wantKind(t, err, app.Unsupported, "this server keeps no accounts")
	_, err = off.List(ctx)
	wantKind(t, err, app.Unsupported, "this server keeps no accounts")
	wantKind(t, off.Revoke(ctx, "id-1"), app.Unsupported, "this server keeps no accounts")
}
