package app_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"
	"testing"
	"testing/fstest"

	"assay/app"
	"assay/challenges"
	"assay/runner"
)

// publisher answers Publish with pub and err, and lists versions.
type publisher struct {
	pub      challenges.Publication
	err      error
	versions []challenges.VersionInfo
}

func (p *publisher) Publish(context.Context, fs.FS, string) (challenges.Publication, error) {
	return p.pub, p.err
}

func (p *publisher) Versions(_ context.Context, slug string) ([]challenges.VersionInfo, error) {
	if p.err != nil {
		return nil, p.err
	}
	if slug != "add" {
		return nil, fmt.Errorf("challenge %s: %w", slug, runner.ErrNotFound)
	}
	return p.versions, nil
}

func TestPublish(t *testing.T) {
	pb := &publisher{pub: challenges.Publication{Challenge: "add", Version: "v3", Previous: "v2", Created: true}}
	u := &app.Publishing{Publisher: pb, Logger: quiet}
	pub, err := u.Publish(context.Background(), fstest.MapFS{}, "add")
	if err != nil || pub.Version != "v3" || !pub.Created {
		t.Fatalf("Publish = %+v, %v", pub, err)
	}
}

func TestPublishRefusals(t *testing.T) {
	failed := &challenges.CheckError{Report: challenges.CheckReport{Slug: "add", Version: "v3"}}
	for _, tc := range []struct {
		name string
		err  error
		kind app.Kind
		msg  string
	}{
		{"check failed", fmt.Errorf("publish: %w", failed), app.Unprocessable, app.RefusedPrefix},
		{"not a challenge", fmt.Errorf("%w: challenge.yaml: no slug", challenges.ErrInvalid), app.Unprocessable, "invalid challenge: challenge.yaml: no slug"},
		{"no sandbox", challenges.ErrNoSandbox, app.Unavailable, "this server cannot check challenges: publishing needs the Docker sandbox"},
		{"store down", errDown, app.Unavailable, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var log strings.Builder
			u := &app.Publishing{Publisher: &publisher{err: tc.err}, Logger: slog.New(slog.NewTextHandler(&log, nil))}
			_, err := u.Publish(context.Background(), fstest.MapFS{}, "add")
			e := wantKind(t, err, tc.kind, tc.msg)
			if tc.kind == app.Unavailable && e.Msg == "" && e.RetryAfter == 0 {
				t.Error("a store's failure has no Retry-After")
			}
			// The report stays reachable for the caller's answer.
			var got *challenges.CheckError
			if errors.As(err, &got) != (tc.name == "check failed") {
				t.Errorf("errors.As CheckError = %v", got)
			}
			if tc.name == "check failed" && !strings.Contains(log.String(), "challenge refused by its check") {
				t.Errorf("the refusal was not logged: %q", log.String())
			}
		})
	}
	off := &app.Publishing{Logger: quiet}
	_, err := off.Publish(context.Background(), fstest.MapFS{}, "add")
	wantKind(t, err, app.Unavailable, "publishing is not enabled on this server")
	wantKind(t, off.Supported(), app.Unavailable, "publishing is not enabled on this server")
}

func TestChallengeVersions(t *testing.T) {
	v := func(ver string, current bool) challenges.VersionInfo {
		return challenges.VersionInfo{ChallengeVersion: runner.ChallengeVersion{Challenge: "add", Version: ver}, Current: current}
	}
	pb := &publisher{versions: []challenges.VersionInfo{v("v1", false), v("v2", true), v("v3", false)}}
	u := &app.Publishing{Publisher: pb, Logger: quiet}
	out, err := u.Versions(context.Background(), "add")
	if err != nil || out.Challenge != "add" || out.Current != "v2" || len(out.Versions) != 3 {
		t.Fatalf("Versions = %+v, %v", out, err)
	}
	_, err = u.Versions(context.Background(), "mul")
	wantKind(t, err, app.NotFound, "challenge mul: not found")
	pb.err = errDown
	_, err = u.Versions(context.Background(), "add")
	wantKind(t, err, app.Unavailable, "")
	_, err = (&app.Publishing{}).Versions(context.Background(), "add")
	wantKind(t, err, app.Unavailable, "challenge versions are not kept on this server")
}
