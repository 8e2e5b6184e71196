package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"assay/access"
)

// InterviewerStore keeps interviewers and the hashes of their tokens.
type InterviewerStore interface {
	CreateInterviewer(ctx context.Context, iv access.Interviewer, tokenHash string) error
	Interviewers(ctx context.Context) ([]access.Interviewer, error)
	// RevokeInterviewer returns an error wrapping runner.ErrNotFound for
	// an unknown id.
	RevokeInterviewer(ctx context.Context, id string) error
}

// Interviewers is the use case of the admin's interviewers: adding one
// (with a token shown once), listing them, revoking one.
type Interviewers struct {
	// Store nil: this server keeps no accounts (Unsupported).
	Store InterviewerStore
	Now   func() time.Time
	NewID func() string
}

// CreatedInterviewer is a new interviewer with its token, shown this once.
type CreatedInterviewer struct {
	access.Interviewer
	Token string `json:"token"`
}

// Supported is Unsupported when this server keeps no accounts: for
// callers that must refuse before they read a request.
func (u *Interviewers) Supported() error {
	if u.Store == nil {
		return errNoAccounts
	}
	return nil
}

// Create adds an interviewer named name, made by by, with a new token.
// Errors: Unsupported, Invalid (the name), Unavailable.
func (u *Interviewers) Create(ctx context.Context, by access.Principal, name string) (CreatedInterviewer, error) {
	if err := u.Supported(); err != nil {
		return CreatedInterviewer{}, err
	}
	if err := CheckName("name", name, true); err != nil {
		return CreatedInterviewer{}, err
	}
	tok, err := access.NewToken()
	if err != nil {
		return CreatedInterviewer{}, fmt.Errorf("new interviewer token: %w", err)
	}
	iv := access.Interviewer{ID: u.NewID(), Name: strings.TrimSpace(name), CreatedAt: u.Now().UTC(), CreatedBy: by.ID}
	if err := u.Store.CreateInterviewer(ctx, iv, access.HashToken(tok)); err != nil {
		return CreatedInterviewer{}, StoreFailed(err)
	}
	return CreatedInterviewer{Interviewer: iv, Token: tok}, nil
}

// List is every interviewer, revoked ones included. Errors: Unsupported,
// Unavailable.
func (u *Interviewers) List(ctx context.Context) ([]access.Interviewer, error) {
	if err := u.Supported(); err != nil {
		return nil, err
	}
	list, err := u.Store.Interviewers(ctx)
	if err != nil {
		return nil, StoreFailed(err)
	}
	return list, nil
}

// Revoke makes an interviewer's token stop working. Errors: Unsupported,
// NotFound, Unavailable.
func (u *Interviewers) Revoke(ctx context.Context, id string) error {
	if err := u.Supported(); err != nil {
		return err
	}
	if err := u.Store.RevokeInterviewer(ctx, id); err != nil {
		return StoreFailed(err)
	}
	return nil
}
