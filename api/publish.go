package api

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"net/http"

	"github.com/gin-gonic/gin"

	"assay/access"
	"assay/app"
	"assay/challenges"
	"assay/runner"
)

// Publisher validates challenges uploaded by admins and publishes them;
// challenges.Publisher implements it.
type Publisher interface {
	// Publish checks the challenge folder dir of fsys in the sandbox and,
	// when it behaves, stores it as a version and makes it current.
	Publish(ctx context.Context, fsys fs.FS, dir string) (challenges.Publication, error)
	// Versions lists a challenge's stored versions, oldest first.
	Versions(ctx context.Context, slug string) ([]challenges.VersionInfo, error)
	// Version returns one stored version with its files (an error
	// wrapping runner.ErrNotFound when there is none).
	Version(ctx context.Context, slug, version string) (runner.ChallengeVersion, error)
}

// DefaultMaxArchiveBytes bounds an uploaded archive (compressed) unless
// Config.MaxArchiveBytes says otherwise.
const DefaultMaxArchiveBytes = 8 << 20

// archiveType returns the format a challenge upload's Content-Type
// announces, and whether it is one an upload may have.
func archiveType(ct string) (string, bool) {
	switch ct {
	case "application/gzip", "application/x-gzip", "application/x-tar+gzip", "application/x-compressed-tar":
		return "tar.gz", true
	case "application/zip", "application/x-zip-compressed":
		return "zip", true
	}
	return "", false
}

// VersionsView lists a challenge's versions for admins (package app's).
type VersionsView = app.ChallengeVersions

func checkView(rep challenges.CheckReport) CheckView {
	v := CheckView{Challenge: rep.Slug, Version: rep.Version, Tests: len(rep.Expected.Tests), Solutions: []SolutionCheck{},
		Canaries: rep.Canaries, Warnings: rep.Warnings, Runtime: rep.Runtime, Scoring: rep.Scoring}
	for _, t := range rep.Expected.Tests {
		if t.Hidden {
			v.HiddenTests++
		}
	}
	v.Solutions = solutionChecks(rep.Solutions)
	for _, o := range rep.Others {
		v.OtherRuntimes = append(v.OtherRuntimes, RuntimeCheckView{Runtime: o.Runtime, Solutions: solutionChecks(o.Solutions)})
	}
	return v
}

func solutionChecks(list []challenges.SolutionCheck) []SolutionCheck {
	out := []SolutionCheck{}
	for _, s := range list {
		out = append(out, SolutionCheck{Name: s.Name, Verdict: s.Verdict, Reason: s.Reason,
			Passed: s.Passed, Total: s.Total, NotPassed: s.NotPassed, Problem: s.Problem})
	}
	return out
}

// adminOnly lets only the admin through: publishing and versions are the
// admin's, not interviewers'.
func (s *server) adminOnly() gin.HandlerFunc { return s.allow(access.RoleAdmin) }

// publishChallenge is POST /api/v1/challenges: the body is a tar.gz or zip
// of one challenge folder. It is unpacked in memory, loaded, checked in the
// sandbox, and only then stored and made current.
func (s *server) publishChallenge(c *gin.Context) {
	if err := s.publishing.Supported(); err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	ct := c.ContentType()
	announced, ok := archiveType(ct)
	if !ok {
		writeError(c, s.cfg.Logger, errorf(http.StatusUnsupportedMediaType,
			"send the challenge folder as a tar.gz (Content-Type: application/gzip) or a zip (Content-Type: application/zip), not %q", ct))
		return
	}
	limit := s.cfg.MaxArchiveBytes
	if limit <= 0 {
		limit = DefaultMaxArchiveBytes
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, limit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(c, s.cfg.Logger, errorf(http.StatusRequestEntityTooLarge, "the archive is larger than %d bytes", limit))
			return
		}
		writeError(c, s.cfg.Logger, errorf(http.StatusBadRequest, "read the archive: %s", err))
		return
	}
	if kind := challenges.ArchiveKind(body); kind != announced {
		if kind == "" {
			kind = "neither"
		}
		writeError(c, s.cfg.Logger, errorf(http.StatusUnsupportedMediaType,
			"Content-Type %s announces a %s, but the body is %s (judged by its first bytes)", ct, announced, kind))
		return
	}
	fsys, dir, err := challenges.ReadArchive(body, s.cfg.Archive)
	if err != nil {
		writeError(c, s.cfg.Logger, archiveError(err))
		return
	}
	pub, err := s.publishing.Publish(c.Request.Context(), fsys, dir)
	// A failed check is answered with its report beside the message.
	if failed := (*challenges.CheckError)(nil); errors.As(err, &failed) {
		p := problemOf(err)
		c.AbortWithStatusJSON(p.status, PublishRefused{Error: p.msg, Check: checkView(failed.Report)})
		return
	}
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	status := http.StatusOK
	if pub.Created {
		status = http.StatusCreated
	}
	c.Header("Location", "/api/v1/challenges/"+pub.Challenge)
	c.JSON(status, Published{Challenge: pub.Challenge, Version: pub.Version, Previous: pub.Previous, Created: pub.Created, Check: checkView(pub.Report)})
}

// archiveError maps ReadArchive's refusals to statuses.
func archiveError(err error) error {
	switch {
	case errors.Is(err, challenges.ErrArchiveType):
		return errorf(http.StatusUnsupportedMediaType, "%s", err)
	case errors.Is(err, challenges.ErrArchiveTooLarge):
		return errorf(http.StatusRequestEntityTooLarge, "%s", err)
	case errors.Is(err, challenges.ErrArchiveUnsafe):
		return errorf(http.StatusBadRequest, "%s", err)
	case errors.Is(err, challenges.ErrInvalid):
		return errorf(http.StatusUnprocessableEntity, "%s", err)
	}
	return err
}

// challengeVersions is GET /api/v1/challenges/:slug/versions.
func (s *server) challengeVersions(c *gin.Context) {
	out, err := s.publishing.Versions(c.Request.Context(), c.Param("slug"))
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

var _ Publisher = challenges.Publisher{}
