package api

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"assay/access"
	"assay/challenges"
	"assay/runner"
)

// The admin's pages: challenges (upload a folder as an archive, see its
// check report, publish; a challenge's versions and the difference between
// two) and interviewers (create one, its token shown once; revoke). Like
// the regrade form, their POSTs take the review cookie only with the
// form's form_token (formPage).

// uploadSlack is the room an upload form's body has beyond the archive
// itself: the form_token field and the multipart framing.
const uploadSlack = 64 << 10

func (s *server) adminPageRoutes(r *gin.Engine) {
	r.GET("/review/challenges", s.page(access.RoleAdmin), s.challengesPage)
	r.POST("/review/challenges", s.uploadBody(), s.formPage(access.RoleAdmin), s.uploadForm)
	r.GET("/review/challenges/:slug/versions", s.page(access.RoleAdmin), s.versionsPage)
	r.GET("/review/interviewers", s.page(access.RoleAdmin), s.interviewersPage)
	r.POST("/review/interviewers", s.smallForm(), s.formPage(access.RoleAdmin), s.interviewerForm)
	r.POST("/review/interviewers/:id/revoke", s.smallForm(), s.formPage(access.RoleAdmin), s.revokeInterviewerForm)
}

// --- challenges ---

type challengesPageView struct {
	Title     string
	Principal access.Principal
	FormToken string
	// CanPublish is false when this process has no publisher.
	CanPublish bool
	MaxBytes   int64
	Challenges []*challenges.Challenge
	// The outcome of an upload: Error says why nothing was published;
	// Published what was; Check is the report, of either.
	FileName  string
	Error     string
	Published *Published
	Check     *CheckView
}

func (s *server) archiveLimit() int64 {
	if s.cfg.MaxArchiveBytes > 0 {
		return s.cfg.MaxArchiveBytes
	}
	return DefaultMaxArchiveBytes
}

func (s *server) challengesView(c *gin.Context) challengesPageView {
	return challengesPageView{Title: "Challenges", Principal: principalOf(c), FormToken: c.GetString(formTokenKey),
		CanPublish: s.cfg.Publisher != nil, MaxBytes: s.archiveLimit(), Challenges: s.cfg.Catalog.List()}
}

// challengesPage lists the served challenges under the upload form.
func (s *server) challengesPage(c *gin.Context) {
	s.render(c, http.StatusOK, "challenges", s.challengesView(c))
}

// uploadBody bounds an upload form's body before anything reads it: the
// archive limit and a little room for the other fields.
func (s *server) uploadBody() gin.HandlerFunc {
	limit := s.archiveLimit()
	return s.boundedForm(limit+uploadSlack,
		errorf(http.StatusRequestEntityTooLarge, "The archive is larger than %d bytes, the most this server takes. Nothing was published.", limit))
}

// boundedForm bounds a form's body to most bytes before anything reads it
// and parses it (multipart in memory: the whole body fits, so no part is
// spooled to disk), so that neither formPage nor the handler can read
// more. A larger body is refused here, with tooLarge as a page, whoever
// sent it: nothing has been done yet.
func (s *server) boundedForm(most int64, tooLarge error) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > most {
			s.errorPage(c, tooLarge)
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, most)
		err := c.Request.ParseMultipartForm(most) // a urlencoded form is parsed too, then ErrNotMultipart
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			s.errorPage(c, tooLarge)
		case err != nil && !errors.Is(err, http.ErrNotMultipart):
			s.errorPage(c, errorf(http.StatusBadRequest, "The form could not be read (%s). Nothing was done.", err))
		}
	}
}

// smallForm bounds the interviewer forms, which hold a name at most.
func (s *server) smallForm() gin.HandlerFunc {
	return s.boundedForm(16<<10, errorf(http.StatusRequestEntityTooLarge, "The form is larger than 16 KiB. Nothing was done."))
}

// uploadForm is POST /review/challenges: the archive in the file field
// "archive" is read, checked in the sandbox and published exactly as by
// POST /api/v1/challenges, and the page shows the outcome with the
// check's report. A refusal publishes nothing and says why.
func (s *server) uploadForm(c *gin.Context) {
	view := s.challengesView(c)
	status, err := s.upload(c, &view)
	if err != nil {
		// A refusal stated for the user (an *httpError, or an app error
		// with a message) is shown on the page; anything else is the
		// error page.
		p := problemOf(err)
		if !p.stated || p.msg == "" {
			s.errorPage(c, err)
			return
		}
		status, view.Error = p.status, p.msg
	}
	view.Challenges = s.cfg.Catalog.List() // with the one just published
	c.Header("Cache-Control", "no-store")
	s.render(c, status, "challenges", view)
}

// upload does uploadForm's work and fills view with the outcome. An error
// with a stated message is a refusal to show on the page.
func (s *server) upload(c *gin.Context, view *challengesPageView) (int, error) {
	if s.cfg.Publisher == nil {
		return 0, errorf(http.StatusServiceUnavailable, "Publishing is not enabled on this server.")
	}
	fh, err := c.FormFile("archive")
	if err != nil {
		return 0, errorf(http.StatusBadRequest, "Choose a challenge archive to upload: a .tar.gz or .zip of one challenge folder.")
	}
	view.FileName = fh.Filename
	body, err := readPart(fh, s.archiveLimit())
	if err != nil {
		return 0, err
	}
	if challenges.ArchiveKind(body) == "" {
		return 0, errorf(http.StatusUnsupportedMediaType,
			"%s is neither a tar.gz nor a zip (judged by its first bytes). Pack the challenge folder with `tar czf NAME.tar.gz FOLDER/` or as a zip.", fh.Filename)
	}
	fsys, dir, err := challenges.ReadArchive(body, s.cfg.Archive)
	if err != nil {
		if err = archiveError(err); errors.As(err, new(*httpError)) {
			return 0, err
		}
		return 0, fmt.Errorf("read the archive %s: %w", fh.Filename, err)
	}
	pub, err := s.publishing.Publish(c.Request.Context(), fsys, dir)
	if failed := (*challenges.CheckError)(nil); errors.As(err, &failed) {
		check := checkView(failed.Report)
		view.Check = &check
		return 0, errorf(http.StatusUnprocessableEntity, "The challenge failed its check (%s).", failed.Error())
	}
	if err != nil {
		return 0, err
	}
	out := Published{Challenge: pub.Challenge, Version: pub.Version, Previous: pub.Previous, Created: pub.Created, Check: checkView(pub.Report)}
	view.Published, view.Check = &out, &out.Check
	if pub.Created {
		return http.StatusCreated, nil
	}
	return http.StatusOK, nil
}

// readPart reads an uploaded file of at most limit bytes.
func readPart(fh *multipart.FileHeader, limit int64) ([]byte, error) {
	if fh.Size > limit {
		return nil, errorf(http.StatusRequestEntityTooLarge, "The archive is larger than %d bytes, the most this server takes.", limit)
	}
	f, err := fh.Open()
	if err != nil {
		return nil, fmt.Errorf("open the uploaded %s: %w", fh.Filename, err)
	}
	defer f.Close()
	body, err := io.ReadAll(io.LimitReader(f, limit+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("read the uploaded %s: %w", fh.Filename, err)
	case int64(len(body)) > limit:
		return nil, errorf(http.StatusRequestEntityTooLarge, "The archive is larger than %d bytes, the most this server takes.", limit)
	case len(body) == 0:
		return nil, errorf(http.StatusBadRequest, "%s is empty.", fh.Filename)
	}
	return body, nil
}

// --- versions ---

type versionsPageView struct {
	Title     string
	Principal access.Principal
	Slug      string
	Current   string
	// Versions are newest first.
	Versions []challenges.VersionInfo
	// From and To are the versions compared (or offered in the form).
	From, To  string
	Compared  bool
	Diffs     []versionFileDiff
	Unchanged int
}

// versionFileDiff is one file that differs between two versions.
type versionFileDiff struct {
	fileDiff
	// Change is "added", "removed" or "changed".
	Change string
	// Binary files are not diffed: only their sizes are shown.
	Binary           bool
	OldSize, NewSize int
}

// versionsPage is GET /review/challenges/:slug/versions: the stored
// versions of a challenge, newest first, and with ?from=V1&to=V2 the
// difference between two of them, file by file (expected.json included,
// so a changed list of tests shows).
func (s *server) versionsPage(c *gin.Context) {
	if s.cfg.Publisher == nil {
		s.errorPage(c, errorf(http.StatusServiceUnavailable, "Challenge versions are not kept on this server."))
		return
	}
	ctx, slug := c.Request.Context(), c.Param("slug")
	list, err := s.cfg.Publisher.Versions(ctx, slug)
	if errors.Is(err, runner.ErrNotFound) {
		s.errorPage(c, errorf(http.StatusNotFound, "No challenge %q is served or stored here.", slug))
		return
	}
	if err != nil {
		s.errorPage(c, unavailable(fmt.Errorf("versions of %s: %w", slug, err)))
		return
	}
	slices.Reverse(list)
	view := versionsPageView{Title: slug + " · versions", Principal: principalOf(c), Slug: slug, Versions: list,
		From: c.Query("from"), To: c.Query("to")}
	known := map[string]bool{}
	for _, v := range list {
		known[v.Version] = true
		if v.Current {
			view.Current = v.Version
		}
	}
	if view.From == "" && view.To == "" {
		// The form offers the newest two, oldest on the left.
		if len(list) >= 2 {
			view.From, view.To = list[1].Version, list[0].Version
		}
		s.render(c, http.StatusOK, "versions", view)
		return
	}
	for _, v := range []string{view.From, view.To} {
		if !known[v] {
			s.errorPage(c, errorf(http.StatusNotFound, "Challenge %s has no stored version %q: choose two versions from its list.", slug, v))
			return
		}
	}
	from, err := s.cfg.Publisher.Version(ctx, slug, view.From)
	if err != nil {
		s.errorPage(c, unavailable(err))
		return
	}
	to, err := s.cfg.Publisher.Version(ctx, slug, view.To)
	if err != nil {
		s.errorPage(c, unavailable(err))
		return
	}
	view.Compared = true
	view.Diffs, view.Unchanged = diffVersions(from.Files, to.Files)
	s.render(c, http.StatusOK, "versions", view)
}

// diffVersions compares two versions' files by path: the files that
// differ, sorted by path, and how many are the same.
func diffVersions(old, new map[string][]byte) ([]versionFileDiff, int) {
	names := map[string]bool{}
	for name := range old {
		names[name] = true
	}
	for name := range new {
		names[name] = true
	}
	var out []versionFileDiff
	same := 0
	for _, name := range slices.Sorted(maps.Keys(names)) {
		a, inOld := old[name]
		b, inNew := new[name]
		if inOld && inNew && bytes.Equal(a, b) {
			same++
			continue
		}
		d := versionFileDiff{Change: "changed", OldSize: len(a), NewSize: len(b)}
		switch {
		case !inOld:
			d.Change = "added"
		case !inNew:
			d.Change = "removed"
		}
		if !utf8.Valid(a) || !utf8.Valid(b) {
			d.Name, d.Binary = name, true
		} else {
			d.fileDiff = diffFile(name, string(a), string(b))
		}
		out = append(out, d)
	}
	return out, same
}

// --- interviewers ---

type interviewersView struct {
	Title        string
	Principal    access.Principal
	FormToken    string
	Interviewers []access.Interviewer
	// Created is the interviewer just created, with its token: shown on
	// this answer only, never again.
	Created *CreatedInterviewer
	Revoked string // the name of the interviewer just revoked
	Name    string // the form's name field, kept after a refusal
	Error   string
}

func (s *server) interviewersPage(c *gin.Context) {
	view := interviewersView{}
	if id := c.Query("revoked"); id != "" {
		view.Revoked = id // named from the list by renderInterviewers
	}
	s.renderInterviewers(c, http.StatusOK, view)
}

func (s *server) renderInterviewers(c *gin.Context, status int, view interviewersView) {
	list, err := s.interviewers.List(c.Request.Context())
	if err != nil {
		s.errorPage(c, err)
		return
	}
	view.Title, view.Principal, view.FormToken, view.Interviewers = "Interviewers", principalOf(c), c.GetString(formTokenKey), list
	if view.Revoked != "" {
		// Only a listed interviewer's name is shown: the query names an
		// id, so a crafted link cannot put words on the page.
		id := view.Revoked
		view.Revoked = ""
		for _, iv := range list {
			if iv.ID == id && iv.RevokedAt != nil {
				view.Revoked = iv.Name
			}
		}
	}
	c.Header("Cache-Control", "no-store") // the answer to a creation holds a token
	s.render(c, status, "interviewers", view)
}

// interviewerForm is POST /review/interviewers: it creates an interviewer
// and shows its token, this once, on the page it answers with.
func (s *server) interviewerForm(c *gin.Context) {
	if err := s.interviewers.Supported(); err != nil {
		s.errorPage(c, err)
		return
	}
	name := c.PostForm("name")
	if err := checkFormText("name", name); err != nil {
		s.renderInterviewers(c, http.StatusBadRequest, interviewersView{Name: name, Error: err.Error()})
		return
	}
	created, err := s.interviewers.Create(c.Request.Context(), principalOf(c), name)
	if status, msg, ok := refusal(err); ok {
		s.renderInterviewers(c, status, interviewersView{Name: name, Error: msg})
		return
	}
	if err != nil {
		s.errorPage(c, err)
		return
	}
	s.cfg.Logger.Info("interviewer created", slog.String("interviewer", created.ID), slog.String("by", principalOf(c).ID))
	s.renderInterviewers(c, http.StatusCreated, interviewersView{Created: &created})
}

// revokeInterviewerForm is POST /review/interviewers/:id/revoke.
func (s *server) revokeInterviewerForm(c *gin.Context) {
	if err := s.interviewers.Supported(); err != nil {
		s.errorPage(c, err)
		return
	}
	id := c.Param("id")
	if _, err := uuid.Parse(id); err != nil {
		s.errorPage(c, errorf(http.StatusNotFound, "No interviewer %q.", id))
		return
	}
	err := s.interviewers.Revoke(c.Request.Context(), id)
	if errors.Is(err, runner.ErrNotFound) {
		s.errorPage(c, errorf(http.StatusNotFound, "No interviewer %q.", id))
		return
	}
	if err != nil {
		s.errorPage(c, err)
		return
	}
	s.cfg.Logger.Info("interviewer revoked", slog.String("interviewer", id), slog.String("by", principalOf(c).ID))
	c.Redirect(http.StatusSeeOther, "/review/interviewers?revoked="+id)
}

// checkFormText refuses a form field that is not text a page can show:
// invalid UTF-8 or control characters (JSON bodies cannot carry the
// first, and the API's names come from JSON).
func checkFormText(field, v string) error {
	if !utf8.ValidString(v) {
		return errorf(http.StatusBadRequest, "%s is not valid UTF-8 text", field)
	}
	if strings.ContainsFunc(v, unicode.IsControl) {
		return errorf(http.StatusBadRequest, "%s may not hold control characters (tabs, line breaks...)", field)
	}
	return nil
}
