package api_test

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"assay/api"
	"assay/challenges"
	"assay/internal/testenv"
	"assay/runner"
	"assay/runner/redis"
)

// namedSandbox is passAddSandbox that says which runtime it runs under.
type namedSandbox struct{ passAddSandbox }

func (namedSandbox) RuntimeName(context.Context) string { return "runc-for-tests" }

// passAllSandbox passes every solution, starter included, under a runtime
// of its own: a challenge whose tests only this runtime lets through.
type passAllSandbox struct{}

func (passAllSandbox) RuntimeName(context.Context) string { return "lenient-runtime" }

func (passAllSandbox) Run(ctx context.Context, spec runner.RunSpec) (runner.RunResult, error) {
	for i, f := range spec.Files {
		if f.Path == "solution.py" {
			spec.Files[i].Data = []byte("def add(a, b):\n    return a + b\n")
		}
	}
	return passAddSandbox{}.Run(ctx, spec)
}

// secondRuntime is passAddSandbox under another runtime's name.
type secondRuntime struct{ passAddSandbox }

func (secondRuntime) RuntimeName(context.Context) string { return "second-runtime" }

// adminSite is a server with a publisher (the fake sandbox above), real
// Redis for versions and accounts, and an admin signed in by cookie, as a
// browser is.
type adminSite struct {
	h         http.Handler
	broker    *redis.Broker
	cookie    *http.Cookie
	formToken string
}

func newAdminSite(t *testing.T, also ...runner.Sandbox) *adminSite {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	b, err := redis.New(ctx, redis.Config{URL: testenv.Redis(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	disk, err := challenges.NewCatalog(nil, runner.Limits{}, runner.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	lib, err := challenges.NewLibrary(challenges.LibraryConfig{Disk: disk, Store: b})
	if err != nil {
		t.Fatal(err)
	}
	h, err := api.New(api.Config{Catalog: lib, Submissions: b, Accounts: b, Publisher: challenges.Publisher{Library: lib, Sandbox: namedSandbox{}, Also: also},
		AdminToken: testAdminToken, MaxArchiveBytes: 256 << 10,
		Archive: challenges.ArchiveLimits{MaxFileBytes: 1 << 20, MaxTotal: 2 << 20, MaxEntries: 50}})
	if err != nil {
		t.Fatal(err)
	}
	s := &adminSite{h: h, broker: b}
	s.cookie, s.formToken = signIn(t, h, testAdminToken, "/review/interviewers")
	return s
}

// signIn signs in with the login form and reads the form_token of page
// ("" when the page has no form).
func signIn(t *testing.T, h http.Handler, token, page string) (*http.Cookie, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/review/login", strings.NewReader("token="+url.QueryEscape(token)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	h.ServeHTTP(rec, req)
	cookies := rec.Result().Cookies()
	if rec.Code != http.StatusSeeOther || len(cookies) != 1 {
		t.Fatalf("sign in: %d %v", rec.Code, cookies)
	}
	got := getWith(h, page, cookies[0])
	if got.Code != 200 {
		t.Fatalf("%s: %d\n%.2000s", page, got.Code, got.Body)
	}
	m := regexp.MustCompile(`name="form_token" value="([0-9a-f]{64})"`).FindStringSubmatch(got.Body.String())
	if m == nil {
		return cookies[0], ""
	}
	return cookies[0], m[1]
}

func getWith(h http.Handler, path string, cookie *http.Cookie) *httptest.ResponseRecorder {
	req := httptest.NewRequest("GET", path, nil)
	if cookie != nil {
		req.AddCookie(cookie)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// get is a GET as the signed-in admin.
func (s *adminSite) get(path string) *httptest.ResponseRecorder { return getWith(s.h, path, s.cookie) }

// post sends a form as the signed-in admin's browser: the cookie, and
// Origin (this host unless origin says otherwise).
func (s *adminSite) post(path, contentType string, body []byte, origin string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", path, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	if origin == "" {
		origin = "http://example.com" // httptest's host
	}
	req.Header.Set("Origin", origin)
	req.AddCookie(s.cookie)
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, req)
	return rec
}

func (s *adminSite) form(path string, fields url.Values) *httptest.ResponseRecorder {
	return s.post(path, "application/x-www-form-urlencoded", []byte(fields.Encode()), "")
}

// multipartUpload is the upload form's body: form_token and, unless
// name is "", the file.
func multipartUpload(t *testing.T, formToken, name string, data []byte) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if formToken != "" {
		mw.WriteField("form_token", formToken)
	}
	if name != "" {
		w, err := mw.CreateFormFile("archive", name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	mw.Close()
	return mw.FormDataContentType(), buf.Bytes()
}

func (s *adminSite) upload(t *testing.T, name string, data []byte) *httptest.ResponseRecorder {
	t.Helper()
	ct, body := multipartUpload(t, s.formToken, name, data)
	return s.post("/review/challenges", ct, body, "")
}

func (s *adminSite) assertNothingStored(t *testing.T) {
	t.Helper()
	vs, err := s.broker.ChallengeVersions(t.Context(), "add")
	if err != nil || len(vs) != 0 {
		t.Fatalf("stored after a refusal: %+v %v", vs, err)
	}
	cur, _, err := s.broker.PublishedChallenges(t.Context())
	if err != nil || len(cur) != 0 {
		t.Fatalf("published after a refusal: %v %v", cur, err)
	}
}

// TestAdminUploadRefusals: every bad upload from the page is a 4xx page
// that says why, and nothing is stored or published.
func TestAdminUploadRefusals(t *testing.T) {
	s := newAdminSite(t)
	random := make([]byte, 300<<10)
	rand.Read(random)
	huge := make([]byte, 400<<10) // over the limit and the form's slack: refused before the form is read
	rand.Read(huge)
	lucky := addFolder("1, 1")
	lucky["add/bad/lucky/solution.py"] = "def add(a, b):\n    return a + b\n"
	noPrompt := addFolder("1, 1")
	delete(noPrompt, "add/prompt.md")

	cases := []struct {
		name   string
		file   string // "" sends no file
		data   []byte
		status int
		says   string
	}{
		{"no file", "", nil, 400, "Choose a challenge archive"},
		{"empty file", "add.tar.gz", nil, 400, "is empty"},
		{"not an archive", "add.tar.gz", []byte("definitely not an archive"), 415, "neither a tar.gz nor a zip"},
		{"too big", "add.tar.gz", random, 413, "larger than 262144 bytes"},
		{"far too big", "add.tar.gz", huge, 413, "larger than 262144 bytes"},
		{"bomb", "add.tar.gz", targz(t, members(addFolder("1, 1"), member{name: "add/fixtures/zeros", zeros: 16 << 20})), 413, "larger than 1048576"},
		{"traversal", "add.tar.gz", targz(t, members(addFolder("1, 1"), member{name: "add/../../x", body: "x"})), 400, ".."},
		{"symlink", "add.tar.gz", targz(t, members(addFolder("1, 1"), member{name: "add/fixtures/l", typ: tar.TypeSymlink})), 400, "symbolic link"},
		{"not a challenge", "add.zip", zipped(t, noPrompt), 422, "prompt.md"},
		{"known-bad passes", "add.tar.gz", targz(t, members(lucky)), 422, "failed its check"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := s.upload(t, tc.file, tc.data)
			body := rec.Body.String()
			if rec.Code != tc.status || !strings.Contains(body, tc.says) || !strings.Contains(body, "Nothing was published") {
				t.Fatalf("%d; want %d saying %q and that nothing was published:\n%.3000s", rec.Code, tc.status, tc.says, body)
			}
			if !strings.Contains(rec.Header().Get("Content-Type"), "text/html") {
				t.Errorf("answered %s, not a page", rec.Header().Get("Content-Type"))
			}
			if tc.name == "known-bad passes" {
				row := regexp.MustCompile(`(?s)<tr class="check-problem" data-solution="bad/lucky">.*?</tr>`).FindString(body)
				if !strings.Contains(row, "must fail at least one test") || !strings.Contains(body, `id="check-report"`) {
					t.Errorf("the report does not show which solution misbehaved:\n%.4000s", body)
				}
			}
			s.assertNothingStored(t)
		})
	}

	// A body of unknown length (chunked) is cut off at the bound too.
	ct, body := multipartUpload(t, s.formToken, "add.tar.gz", huge)
	req := httptest.NewRequest("POST", "/review/challenges", bytes.NewReader(body))
	req.ContentLength = -1
	req.Header.Set("Content-Type", ct)
	req.AddCookie(s.cookie)
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, req)
	// (the error page: refused before the form was read, not by the handler)
	if rec.Code != 413 || !strings.Contains(rec.Body.String(), "larger than 262144 bytes") || !strings.Contains(rec.Body.String(), `id="error-message"`) {
		t.Errorf("a chunked body over the limit: %d\n%.2000s", rec.Code, rec.Body)
	}

	// Without the page's form_token, from another site, or as an
	// interviewer: refused, and nothing stored.
	good := targz(t, members(addFolder("1, 1")))
	ct, noToken := multipartUpload(t, "", "add.tar.gz", good)
	if rec := s.post("/review/challenges", ct, noToken, ""); rec.Code != 403 || !strings.Contains(rec.Body.String(), "expired or was sent from another site") {
		t.Errorf("upload without form_token: %d; want 403", rec.Code)
	}
	ct, withToken := multipartUpload(t, s.formToken, "add.tar.gz", good)
	if rec := s.post("/review/challenges", ct, withToken, "https://evil.example"); rec.Code != 403 {
		t.Errorf("upload from another site: %d; want 403", rec.Code)
	}
	var iv api.CreatedInterviewer
	if rec := do(asAdmin(s.h), "POST", "/api/v1/interviewers", "application/json", `{"name":"Grace"}`); rec.Code != 201 || json.Unmarshal(rec.Body.Bytes(), &iv) != nil {
		t.Fatalf("create interviewer: %d %s", rec.Code, rec.Body)
	}
	ivCookie, _ := signIn(t, s.h, iv.Token, "/review")
	if rec := getWith(s.h, "/review/challenges", ivCookie); rec.Code != 403 {
		t.Errorf("interviewer opens the challenges page: %d; want 403", rec.Code)
	}
	if rec := getWith(s.h, "/review/challenges/add/versions", ivCookie); rec.Code != 403 {
		t.Errorf("interviewer opens the versions page: %d; want 403", rec.Code)
	}
	// (by bearer token: the role is refused, not a missing form field)
	ct, asInterviewer := multipartUpload(t, "", "add.tar.gz", good)
	if rec := do(bearer(s.h, iv.Token), "POST", "/review/challenges", ct, string(asInterviewer)); rec.Code != 403 || !strings.Contains(rec.Body.String(), "needs the admin role") {
		t.Errorf("interviewer uploads: %d; want 403 for the role", rec.Code)
	}
	if index := getWith(s.h, "/review", ivCookie).Body.String(); strings.Contains(index, "/review/challenges") || strings.Contains(index, "/review/interviewers") {
		t.Errorf("the interviewer's index links the admin's pages")
	}
	if index := s.get("/review").Body.String(); !strings.Contains(index, `href="/review/challenges"`) || !strings.Contains(index, `href="/review/interviewers"`) {
		t.Errorf("the admin's index does not link the admin's pages:\n%.2000s", index)
	}
	s.assertNothingStored(t)
}

// TestAdminPublishAndVersionPages publishes two versions from the page,
// then lists them and shows their difference.
func TestAdminPublishAndVersionPages(t *testing.T) {
	s := newAdminSite(t)
	if page := s.get("/review/challenges").Body.String(); !strings.Contains(page, `id="upload-form"`) || !strings.Contains(page, `enctype="multipart/form-data"`) {
		t.Fatalf("the challenges page has no upload form:\n%.2000s", page)
	}
	rec := s.upload(t, "add.tar.gz", targz(t, members(addFolder("1, 1"))))
	v1 := rec.Body.String()
	if rec.Code != 201 || !strings.Contains(v1, `id="upload-published"`) || !strings.Contains(v1, "under the runc-for-tests runtime") {
		t.Fatalf("publish v1: %d\n%.4000s", rec.Code, v1)
	}
	for _, sol := range append([]string{"reference", "starter", "bad/minus"}, adversarialNames()...) {
		if !strings.Contains(v1, `data-solution="`+sol+`"`) {
			t.Errorf("the report has no row for %s", sol)
		}
	}
	if strings.Contains(v1, "check-problem") {
		t.Errorf("a passing check shows a problem:\n%.4000s", v1)
	}
	rec = s.upload(t, "add.zip", zipped(t, addFolder("2, 2")))
	if rec.Code != 201 {
		t.Fatalf("publish v2: %d\n%.4000s", rec.Code, rec.Body)
	}
	var vs api.VersionsView
	if rec := do(asAdmin(s.h), "GET", "/api/v1/challenges/add/versions", "", ""); rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &vs) != nil || len(vs.Versions) != 2 {
		t.Fatalf("versions: %d %s", rec.Code, rec.Body)
	}
	old, cur := vs.Versions[0].Version, vs.Versions[1].Version
	if vs.Current != cur || !strings.Contains(rec.Body.String(), "It replaces version <code>"+old) {
		t.Errorf("v2's page does not name v1 as replaced:\n%.3000s", rec.Body)
	}
	// The same archive again: current again, not checked again (200).
	if rec := s.upload(t, "add.tar.gz", targz(t, members(addFolder("1, 1")))); rec.Code != 200 || !strings.Contains(rec.Body.String(), "current again") {
		t.Errorf("republish v1: %d\n%.3000s", rec.Code, rec.Body)
	}

	list := s.get("/review/challenges/add/versions")
	page := list.Body.String()
	if list.Code != 200 || !strings.Contains(page, `data-version="`+old+`"`) || !strings.Contains(page, `data-version="`+cur+`"`) ||
		strings.Index(page, `data-version="`+cur+`"`) > strings.Index(page, `data-version="`+old+`"`) || !strings.Contains(page, `id="compare-form"`) {
		t.Fatalf("versions page (newest first, with the compare form): %d\n%.4000s", list.Code, page)
	}
	diff := s.get("/review/challenges/add/versions?from=" + old + "&to=" + cur)
	body := diff.Body.String()
	file := regexp.MustCompile(`(?s)<div class="file" data-file="tests/hidden/test_more.py">.*?</pre>`).FindString(body)
	if diff.Code != 200 || !strings.Contains(file, `<span class="d d-">-     assert add(1, 1) is not None</span>`) ||
		!strings.Contains(file, `<span class="d d&#43;">&#43;     assert add(2, 2) is not None</span>`) || !strings.Contains(body, `id="unchanged"`) {
		t.Fatalf("diff: %d\n%.5000s", diff.Code, body)
	}
	if strings.Contains(body, `data-file="prompt.md"`) {
		t.Errorf("the diff lists a file that did not change")
	}
	for _, bad := range []string{
		"/review/challenges/add/versions?from=" + old + "&to=nope",
		"/review/challenges/add/versions?from=%3Cscript%3E&to=" + cur,
		"/review/challenges/nope/versions",
	} {
		if rec := s.get(bad); rec.Code != 404 || strings.Contains(rec.Body.String(), "<script>") {
			t.Errorf("GET %s: %d; want a 404 page (escaped)", bad, rec.Code)
		}
	}
	if page := s.get("/review/challenges").Body.String(); !strings.Contains(page, `href="/review/challenges/add/versions"`) {
		t.Errorf("the challenges page does not list add:\n%.3000s", page)
	}
}

func adversarialNames() []string {
	var out []string
	for _, a := range challenges.AdversarialSolutions() {
		out = append(out, a.Name)
	}
	return out
}

// TestAdminInterviewerPages creates an interviewer from the page (the
// token shown once), signs in with it, revokes it and sees it refused.
func TestAdminInterviewerPages(t *testing.T) {
	s := newAdminSite(t)
	if page := s.get("/review/interviewers").Body.String(); !strings.Contains(page, `id="no-interviewers"`) {
		t.Fatalf("empty list:\n%.2000s", page)
	}
	for _, bad := range []struct{ name, says string }{
		{"", "name is required"},
		{"   ", "name is required"},
		{strings.Repeat("x", 201), "longer than 200"},
		{"Grace\x00Hopper", "control characters"},
		{"Grace\nHopper", "control characters"},
		{"Grace \xff", "UTF-8"},
	} {
		rec := s.form("/review/interviewers", url.Values{"form_token": {s.formToken}, "name": {bad.name}})
		if rec.Code != 400 || !strings.Contains(rec.Body.String(), bad.says) || !strings.Contains(rec.Body.String(), `id="interviewer-form"`) {
			t.Errorf("name %q: %d; want 400 with the form saying %q:\n%.2000s", bad.name, rec.Code, bad.says, rec.Body)
		}
	}
	if rec := s.form("/review/interviewers", url.Values{"form_token": {s.formToken}, "name": {strings.Repeat("x", 20<<10)}}); rec.Code != 413 || !strings.Contains(rec.Body.String(), "larger than 16 KiB") {
		t.Errorf("a form over 16 KiB: %d; want 413", rec.Code)
	}
	if rec := s.form("/review/interviewers", url.Values{"name": {"Mallory"}}); rec.Code != 403 {
		t.Errorf("create without form_token: %d; want 403", rec.Code)
	}
	if ivs, err := s.broker.Interviewers(t.Context()); err != nil || len(ivs) != 0 {
		t.Fatalf("refused forms created interviewers: %+v %v", ivs, err)
	}

	rec := s.form("/review/interviewers", url.Values{"form_token": {s.formToken}, "name": {"Grace Hopper"}})
	m := regexp.MustCompile(`<code class="token" id="created-token">([^<]+)</code>`).FindStringSubmatch(rec.Body.String())
	if rec.Code != 201 || m == nil || !strings.Contains(rec.Body.String(), `id="copy-token"`) || rec.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("create: %d %v\n%.3000s", rec.Code, rec.Header(), rec.Body)
	}
	tok := m[1]
	var me struct{ Role, ID, Name string }
	if rec := do(bearer(s.h, tok), "GET", "/api/v1/me", "", ""); rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &me) != nil || me.Role != "interviewer" || me.Name != "Grace Hopper" {
		t.Fatalf("the shown token: %d %s", rec.Code, rec.Body)
	}
	ivCookie, _ := signIn(t, s.h, tok, "/review") // the token signs in to the pages
	if page := s.get("/review/interviewers").Body.String(); strings.Contains(page, tok) || !strings.Contains(page, `data-interviewer="`+me.ID+`"`) {
		t.Errorf("the list shows the token again, or not the interviewer:\n%.3000s", page)
	}
	// An interviewer cannot see the list nor revoke anyone.
	if rec := getWith(s.h, "/review/interviewers", ivCookie); rec.Code != 403 {
		t.Errorf("interviewer lists interviewers: %d; want 403", rec.Code)
	}
	if rec := do(bearer(s.h, tok), "POST", "/review/interviewers/"+me.ID+"/revoke", "application/x-www-form-urlencoded", ""); rec.Code != 403 {
		t.Errorf("interviewer revokes: %d; want 403", rec.Code)
	}
	// A crafted notice names no one: only a revoked interviewer's id does.
	if page := s.get("/review/interviewers?revoked=" + me.ID).Body.String(); strings.Contains(page, `id="revoked-notice"`) {
		t.Errorf("a notice for an interviewer not revoked")
	}

	for _, id := range []string{"not-a-uuid", "00000000-0000-0000-0000-000000000000"} {
		if rec := s.form("/review/interviewers/"+id+"/revoke", url.Values{"form_token": {s.formToken}}); rec.Code != 404 {
			t.Errorf("revoke %s: %d; want 404", id, rec.Code)
		}
	}
	if rec := s.form("/review/interviewers/"+me.ID+"/revoke", url.Values{}); rec.Code != 403 {
		t.Errorf("revoke without form_token: %d; want 403", rec.Code)
	}
	rec = s.form("/review/interviewers/"+me.ID+"/revoke", url.Values{"form_token": {s.formToken}})
	if loc := rec.Header().Get("Location"); rec.Code != 303 || loc != "/review/interviewers?revoked="+me.ID {
		t.Fatalf("revoke: %d %q", rec.Code, loc)
	}
	page := s.get("/review/interviewers?revoked=" + me.ID).Body.String()
	row := regexp.MustCompile(`(?s)<tr data-interviewer="` + me.ID + `">.*?</tr>`).FindString(page)
	if !strings.Contains(page, "Revoked the token of Grace Hopper") || !strings.Contains(row, "revoked") || strings.Contains(row, "Revoke</button>") {
		t.Errorf("after revoking:\n%.3000s", page)
	}
	if rec := do(bearer(s.h, tok), "GET", "/api/v1/me", "", ""); rec.Code != 401 {
		t.Errorf("the revoked token on the API: %d; want 401", rec.Code)
	}
	if rec := getWith(s.h, "/review", ivCookie); rec.Code != 401 {
		t.Errorf("the revoked token's cookie on the pages: %d; want 401", rec.Code)
	}
}

func bearer(h http.Handler, tok string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Set("Authorization", "Bearer "+tok)
		h.ServeHTTP(w, r)
	})
}

// TestAdminUploadChecksEveryRuntime: with sandboxes of other runtimes, an
// upload is published only when it behaves under each, and the page shows
// one report per runtime.
func TestAdminUploadChecksEveryRuntime(t *testing.T) {
	good := targz(t, members(addFolder("1, 1")))
	s := newAdminSite(t, passAllSandbox{})
	rec := s.upload(t, "add.tar.gz", good)
	body := rec.Body.String()
	lenient := regexp.MustCompile(`(?s)<table class="table check-report" data-runtime="lenient-runtime">.*?</table>`).FindString(body)
	if rec.Code != 422 || !strings.Contains(body, "under lenient-runtime, starter: must fail at least one test") ||
		!strings.Contains(lenient, `<tr class="check-problem" data-solution="starter">`) {
		t.Fatalf("a challenge that misbehaves under one runtime: %d\n%.6000s", rec.Code, body)
	}
	if primary := regexp.MustCompile(`(?s)<table class="table check-report" id="check-report" data-runtime="runc-for-tests">.*?</table>`).FindString(body); primary == "" || strings.Contains(primary, "check-problem") {
		t.Errorf("the primary runtime's report:\n%s", primary)
	}
	s.assertNothingStored(t)

	s = newAdminSite(t, secondRuntime{})
	rec = s.upload(t, "add.tar.gz", good)
	if body := rec.Body.String(); rec.Code != 201 || !strings.Contains(body, `data-runtime="second-runtime"`) || !strings.Contains(body, "Under the second-runtime runtime") || strings.Contains(body, "check-problem") {
		t.Fatalf("a challenge that behaves under both runtimes: %d\n%.6000s", rec.Code, body)
	}
	var pub api.Published
	if rec := do(asAdmin(s.h), "POST", "/api/v1/challenges", "application/zip", string(zipped(t, addFolder("3, 3")))); rec.Code != 201 || json.Unmarshal(rec.Body.Bytes(), &pub) != nil ||
		len(pub.Check.OtherRuntimes) != 1 || pub.Check.OtherRuntimes[0].Runtime != "second-runtime" || len(pub.Check.OtherRuntimes[0].Solutions) != len(pub.Check.Solutions)-len(challenges.AdversarialSolutions()) {
		t.Fatalf("the API's report: %d %s", rec.Code, rec.Body)
	}
}
