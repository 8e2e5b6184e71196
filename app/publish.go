package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"

	"assay/challenges"
)

// ChallengePublisher checks uploaded challenges in the sandbox and
// publishes them, and lists the stored versions (challenges.Publisher).
type ChallengePublisher interface {
	// Publish checks the challenge folder dir of fsys in the sandbox and,
	// when it behaves, stores it as a version and makes it current: an
	// error wrapping a *challenges.CheckError when it misbehaves,
	// challenges.ErrInvalid when it is not a challenge,
	// challenges.ErrNoSandbox when there is no sandbox to check it in.
	Publish(ctx context.Context, fsys fs.FS, dir string) (challenges.Publication, error)
	VersionLister
}

// Publishing is the use case of the admin's challenges: publishing an
// uploaded folder once it passes its check, and listing a challenge's
// versions. Reading the upload (the archive and its type) is the
// caller's.
type Publishing struct {
	// Publisher nil: this server publishes nothing and keeps no versions
	// (Unavailable).
	Publisher ChallengePublisher
	Logger    *slog.Logger
}

// ChallengeVersions is a challenge's stored versions, oldest first, and
// which is current.
type ChallengeVersions struct {
	Challenge string                   `json:"challenge"`
	Current   string                   `json:"current,omitempty"`
	Versions  []challenges.VersionInfo `json:"versions"`
}

// Supported is Unavailable when this server publishes nothing: for
// callers that must refuse before they read an upload.
func (u *Publishing) Supported() error {
	if u.Publisher == nil {
		return Errorf(Unavailable, "publishing is not enabled on this server")
	}
	return nil
}

// RefusedPrefix begins the message of a challenge refused by its check.
const RefusedPrefix = "the challenge failed its check, so it was not published: "

// Publish checks the challenge folder dir of fsys and publishes it.
// Errors: Unavailable (no publisher; no sandbox to check in; a store
// down), Unprocessable (not a challenge; or it failed its check, when the
// error wraps the *challenges.CheckError with its report).
func (u *Publishing) Publish(ctx context.Context, fsys fs.FS, dir string) (challenges.Publication, error) {
	if err := u.Supported(); err != nil {
		return challenges.Publication{}, err
	}
	pub, err := u.Publisher.Publish(ctx, fsys, dir)
	var failed *challenges.CheckError
	switch {
	case err == nil:
		return pub, nil
	case errors.As(err, &failed):
		u.Logger.Info("challenge refused by its check", slog.String("challenge", failed.Report.Slug), slog.String("version", failed.Report.Version))
		return pub, &Error{Kind: Unprocessable, Msg: RefusedPrefix + failed.Error(), Err: err}
	case errors.Is(err, challenges.ErrInvalid):
		return pub, &Error{Kind: Unprocessable, Msg: err.Error(), Err: err}
	case errors.Is(err, challenges.ErrNoSandbox):
		return pub, &Error{Kind: Unavailable, Err: err,
			Msg: "this server cannot check challenges: publishing needs the Docker sandbox (run `assay serve`, or give this `assay api` process access to Docker)"}
	}
	return pub, StoreFailed(fmt.Errorf("publish %s: %w", dir, err))
}

// Versions is a challenge's stored versions. Errors: Unavailable (no
// publisher; a store down), NotFound (no such challenge).
func (u *Publishing) Versions(ctx context.Context, slug string) (ChallengeVersions, error) {
	if u.Publisher == nil {
		return ChallengeVersions{}, Errorf(Unavailable, "challenge versions are not kept on this server")
	}
	list, err := u.Publisher.Versions(ctx, slug)
	if err != nil {
		return ChallengeVersions{}, StoreFailed(fmt.Errorf("versions of %s: %w", slug, err))
	}
	out := ChallengeVersions{Challenge: slug, Versions: list}
	for _, v := range list {
		if v.Current {
			out.Current = v.Version
		}
	}
	return out, nil
}
