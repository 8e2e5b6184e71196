package redis

// Accounts: who may use Assay. Interviewers, assessments and invitations
// are records found by the hash of their token; an invitation's
// submissions and Runs are listed by Create's script.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"assay/access"
	"assay/runner"
)

// Accounts keeps interviewers, assessments and invitations, and resolves
// tokens to them.
type Accounts struct{ *shared }

// Who a token names, as stored under {prefix}:token:{hash}.
const (
	kindInterviewer = "interviewer"
	kindInvitation  = "invitation"
)

// storedInterviewer and storedInvitation keep the token hash beside the
// record, so the token can be revoked; the hash never leaves this package.
type storedInterviewer struct {
	access.Interviewer
	TokenHash string `json:"token_hash"`
}

type storedInvitation struct {
	access.Invitation
	TokenHash string `json:"token_hash"`
}

// Resolve returns the principal a token hash names (an interviewer or a
// candidate's invitation), or an error wrapping runner.ErrNotFound for a
// token that is unknown or revoked. The admin token is not stored here.
func (b *Accounts) Resolve(ctx context.Context, tokenHash string) (access.Principal, error) {
	ref, err := b.rdb.Get(ctx, b.keys.token(tokenHash)).Result()
	if errors.Is(err, goredis.Nil) {
		return access.Principal{}, fmt.Errorf("token: %w", runner.ErrNotFound)
	}
	if err != nil {
		return access.Principal{}, fmt.Errorf("resolve token: %w", err)
	}
	kind, id, _ := strings.Cut(ref, ":")
	switch kind {
	case kindInterviewer:
		iv, err := b.interviewer(ctx, id)
		if err != nil {
			return access.Principal{}, fmt.Errorf("resolve token: %w", err)
		}
		return access.Principal{Role: access.RoleInterviewer, ID: iv.ID, Name: iv.Name}, nil
	case kindInvitation:
		inv, err := b.Invitation(ctx, id)
		if err != nil {
			return access.Principal{}, fmt.Errorf("resolve token: %w", err)
		}
		return access.Principal{Role: access.RoleCandidate, ID: inv.ID, Name: inv.Candidate, Invitation: &inv}, nil
	}
	return access.Principal{}, fmt.Errorf("resolve token: unknown kind %q", kind)
}

// CreateInterviewer stores an interviewer and the hash of its token.
func (b *Accounts) CreateInterviewer(ctx context.Context, iv access.Interviewer, tokenHash string) error {
	data, err := json.Marshal(storedInterviewer{Interviewer: iv, TokenHash: tokenHash})
	if err != nil {
		return fmt.Errorf("create interviewer: %w", err)
	}
	return b.createRecord(ctx, "interviewer", b.keys.interviewer(iv.ID), data, tokenHash, kindInterviewer+":"+iv.ID,
		b.keys.interviewers(), iv.ID)
}

// createRecord writes a record, its index entry and its token in one
// transaction, refusing a token hash or id that is taken.
func (b *Accounts) createRecord(ctx context.Context, what, key string, data []byte, tokenHash, ref, index, id string) error {
	var tokSet, recSet *goredis.BoolCmd
	_, err := b.rdb.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		recSet = p.SetNX(ctx, key, data, 0)
		if tokenHash != "" {
			tokSet = p.SetNX(ctx, b.keys.token(tokenHash), ref, 0)
		}
		p.RPush(ctx, index, id) // lists keep the order of creation, even within one millisecond
		return nil
	})
	if err != nil {
		return fmt.Errorf("create %s %s: %w", what, id, err)
	}
	// Ids are uuids and tokens 256 random bits: a clash means a bug.
	if !recSet.Val() || (tokSet != nil && !tokSet.Val()) {
		return fmt.Errorf("create %s %s: %w", what, id, runner.ErrConflict)
	}
	return nil
}

func (b *Accounts) interviewer(ctx context.Context, id string) (storedInterviewer, error) {
	var iv storedInterviewer
	if err := decode(b.rdb.Get(ctx, b.keys.interviewer(id)), &iv); err != nil {
		return iv, fmt.Errorf("interviewer %s: %w", id, err)
	}
	return iv, nil
}

// Interviewers lists the interviewers, oldest first.
func (b *Accounts) Interviewers(ctx context.Context) ([]access.Interviewer, error) {
	ids, err := b.rdb.LRange(ctx, b.keys.interviewers(), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("interviewers: %w", err)
	}
	stored, err := getJSONs[storedInterviewer](ctx, b.rdb, "interviewer", ids, b.keys.interviewer)
	if err != nil {
		return nil, err
	}
	out := make([]access.Interviewer, 0, len(stored))
	for _, iv := range stored {
		out = append(out, iv.Interviewer)
	}
	return out, nil
}

// RevokeInterviewer deletes an interviewer's token, so it no longer
// resolves, and marks the record revoked (the first time: revoking again
// keeps the first date); the record stays (submissions name it).
func (b *Accounts) RevokeInterviewer(ctx context.Context, id string) error {
	iv, err := b.interviewer(ctx, id)
	if err != nil {
		return fmt.Errorf("revoke: %w", err)
	}
	if iv.RevokedAt == nil {
		at := time.Now().UTC()
		iv.RevokedAt = &at
	}
	data, err := json.Marshal(iv)
	if err != nil {
		return fmt.Errorf("revoke interviewer %s: %w", id, err)
	}
	// The token goes first and in the same transaction as the mark, so a
	// record marked revoked never has a token that still resolves.
	_, err = b.rdb.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.Del(ctx, b.keys.token(iv.TokenHash))
		p.Set(ctx, b.keys.interviewer(id), data, 0)
		return nil
	})
	if err != nil {
		return fmt.Errorf("revoke interviewer %s: %w", id, err)
	}
	return nil
}

// CreateAssessment stores an assessment.
func (b *Accounts) CreateAssessment(ctx context.Context, a access.Assessment) error {
	data, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("create assessment: %w", err)
	}
	return b.createRecord(ctx, "assessment", b.keys.assessment(a.ID), data, "", "", b.keys.assessments(), a.ID)
}

// Assessment returns one assessment, or an error wrapping runner.ErrNotFound.
func (b *Accounts) Assessment(ctx context.Context, id string) (access.Assessment, error) {
	var a access.Assessment
	if err := decode(b.rdb.Get(ctx, b.keys.assessment(id)), &a); err != nil {
		return a, fmt.Errorf("assessment %s: %w", id, err)
	}
	return a, nil
}

// Assessments lists the assessments, newest first.
func (b *Accounts) Assessments(ctx context.Context) ([]access.Assessment, error) {
	ids, err := b.rdb.LRange(ctx, b.keys.assessments(), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("assessments: %w", err)
	}
	slices.Reverse(ids)
	return getJSONs[access.Assessment](ctx, b.rdb, "assessment", ids, b.keys.assessment)
}

// CreateInvitation stores an invitation and the hash of its token. Its
// assessment must exist.
func (b *Accounts) CreateInvitation(ctx context.Context, inv access.Invitation, tokenHash string) error {
	if _, err := b.Assessment(ctx, inv.Assessment); err != nil {
		return fmt.Errorf("create invitation: %w", err)
	}
	data, err := json.Marshal(storedInvitation{Invitation: inv, TokenHash: tokenHash})
	if err != nil {
		return fmt.Errorf("create invitation: %w", err)
	}
	return b.createRecord(ctx, "invitation", b.keys.invitation(inv.ID), data, tokenHash, kindInvitation+":"+inv.ID,
		b.keys.assessmentInvitations(inv.Assessment), inv.ID)
}

// Invitation returns one invitation, or an error wrapping runner.ErrNotFound.
func (b *Accounts) Invitation(ctx context.Context, id string) (access.Invitation, error) {
	var inv storedInvitation
	if err := decode(b.rdb.Get(ctx, b.keys.invitation(id)), &inv); err != nil {
		return access.Invitation{}, fmt.Errorf("invitation %s: %w", id, err)
	}
	return inv.Invitation, nil
}

// Invitations lists an assessment's invitations, oldest first.
func (b *Accounts) Invitations(ctx context.Context, assessment string) ([]access.Invitation, error) {
	ids, err := b.rdb.LRange(ctx, b.keys.assessmentInvitations(assessment), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("invitations of %s: %w", assessment, err)
	}
	stored, err := getJSONs[storedInvitation](ctx, b.rdb, "invitation", ids, b.keys.invitation)
	if err != nil {
		return nil, err
	}
	out := make([]access.Invitation, 0, len(stored))
	for _, inv := range stored {
		out = append(out, inv.Invitation)
	}
	return out, nil
}

// InvitationSubmissions lists the ids of an invitation's submissions,
// oldest first.
func (b *Accounts) InvitationSubmissions(ctx context.Context, id string) ([]string, error) {
	ids, err := b.rdb.LRange(ctx, b.keys.invitationSubmissions(id), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("submissions of invitation %s: %w", id, err)
	}
	return ids, nil
}

// InvitationRuns lists the ids of an invitation's Runs, oldest first.
func (b *Accounts) InvitationRuns(ctx context.Context, id string) ([]string, error) {
	ids, err := b.rdb.LRange(ctx, b.keys.invitationRuns(id), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("runs of invitation %s: %w", id, err)
	}
	return ids, nil
}
