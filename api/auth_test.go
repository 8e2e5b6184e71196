package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gin-gonic/gin"

	"assay/api"
	"assay/challenges"
	"assay/internal/testenv"
	"assay/runner"
	"assay/runner/redis"
)

// catalog2 serves two challenges, add and mul, so a test can use a
// challenge that an invitation does not include.
type catalog2 struct{ list []*challenges.Challenge }

func (c catalog2) List() []*challenges.Challenge { return c.list }
func (c catalog2) Get(slug string) (*challenges.Challenge, error) {
	for _, ch := range c.list {
		if ch.Slug == slug {
			return ch, nil
		}
	}
	return nil, fmt.Errorf("challenge %q: %w", slug, runner.ErrNotFound)
}

func twoChallenges(t *testing.T) catalog2 {
	t.Helper()
	mul, err := challenges.Load(fstest.MapFS{
		"mul/challenge.yaml":            {Data: []byte("slug: mul\ntitle: Multiply\nsummary: Multiply two numbers.\nfiles: [solution.py]\n")},
		"mul/prompt.md":                 {Data: []byte("# Multiply\nWrite `mul(a, b)`.")},
		"mul/starter/solution.py":       {Data: []byte("def mul(a, b):\n    raise NotImplementedError\n")},
		"mul/reference/solution.py":     {Data: []byte("def mul(a, b):\n    return a * b\n")},
		"mul/bad/plus/solution.py":      {Data: []byte("def mul(a, b):\n    return a + b\n")},
		"mul/tests/visible/test_mul.py": {Data: []byte("def test_visible(): pass\n")},
	}, "mul")
	if err != nil {
		t.Fatal(err)
	}
	return catalog2{list: []*challenges.Challenge{testChallenge(t), mul}}
}

// realServer is the API on a real Redis (no workers: submissions stay queued).
type realServer struct {
	h      http.Handler
	engine *gin.Engine
	broker *redis.Broker
}

func newRealServer(t *testing.T, rl api.RateLimit) *realServer {
	t.Helper()
	return newRealServerWith(t, func(c *api.Config) { c.RateLimit = rl })
}

// newRealServerWith is newRealServer with its configuration changed by set.
func newRealServerWith(t *testing.T, set func(*api.Config)) *realServer {
	t.Helper()
	url := testenv.Redis(t)
	b, err := redis.New(context.Background(), redis.Config{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	cfg := api.Config{Catalog: twoChallenges(t), Submissions: b, Accounts: b, Deliveries: b, Regrades: b, Reviews: b, Recordings: b, AdminToken: testAdminToken,
		MaxWait: time.Second, Similarity: similarityIndex(t, url),
		Metrics: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/plain; version=0.0.4")
			w.Write([]byte("m 1\n"))
		})}
	set(&cfg)
	h, err := api.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &realServer{h: h, engine: h.(*gin.Engine), broker: b}
}

// call sends a request with a bearer token ("" for none) and decodes a
// JSON answer into out when out is not nil.
func (s *realServer) call(t *testing.T, tok, method, path, body string, out any) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, req)
	if out != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
			t.Fatalf("%s %s: %d %s: %v", method, path, rec.Code, rec.Body, err)
		}
	}
	return rec
}

// must is call that insists on a status.
func (s *realServer) must(t *testing.T, status int, tok, method, path, body string, out any) {
	t.Helper()
	rec := s.call(t, tok, method, path, body, nil)
	if rec.Code != status {
		t.Fatalf("%s %s: %d %s; want %d", method, path, rec.Code, rec.Body, status)
	}
	if out != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
			t.Fatal(err)
		}
	}
}

// fixture is one of everything: an interviewer, an assessment, two
// candidates with a submission each.
type fixture struct {
	interviewer, spareInterviewer api.CreatedInterviewer
	assessment                    struct{ ID string }
	a, b                          api.CreatedInvitation
	subA, subB                    string
}

func (s *realServer) fixture(t *testing.T, invBody string) fixture {
	t.Helper()
	var f fixture
	s.must(t, 201, testAdminToken, "POST", "/api/v1/interviewers", `{"name":"Grace"}`, &f.interviewer)
	s.must(t, 201, testAdminToken, "POST", "/api/v1/interviewers", `{"name":"Spare"}`, &f.spareInterviewer)
	s.must(t, 201, f.interviewer.Token, "POST", "/api/v1/assessments", `{"name":"Backend","challenges":["add","mul"]}`, &f.assessment)
	s.must(t, 201, f.interviewer.Token, "POST", "/api/v1/assessments/"+f.assessment.ID+"/invitations", strings.Replace(invBody, "NAME", "Ada", 1), &f.a)
	s.must(t, 201, f.interviewer.Token, "POST", "/api/v1/assessments/"+f.assessment.ID+"/invitations", strings.Replace(invBody, "NAME", "Bob", 1), &f.b)
	var acc api.SubmissionAccepted
	s.must(t, 202, f.a.Token, "POST", "/api/v1/submissions", `{"challenge":"add","files":{"solution.py":"x = 1\n"}}`, &acc)
	f.subA = acc.ID
	s.must(t, 202, f.b.Token, "POST", "/api/v1/submissions", `{"challenge":"add","files":{"solution.py":"x = 2\n"}}`, &acc)
	f.subB = acc.ID
	return f
}

// Who tries each route.
const (
	nobody      = "nobody"
	candidateB  = "candidate B (not the owner)"
	candidateA  = "candidate A (the owner)"
	interviewer = "interviewer"
	admin       = "admin"
)

// access says who may call a route: public routes let everyone in;
// otherwise the listed roles, where "candidate" means only the candidate
// whose data the request names (A); B is refused with 403.
type accessSpec struct {
	public bool
	roles  []string // of admin, interviewer, candidate
	page   bool     // an HTML page: no credentials redirect to the login form
	path   string   // the concrete path requested
	body   string
	form   bool // body is a form, not JSON
	// anyStatus: an allowed caller may get any status but 401/403 (the
	// route's own checks decide).
	anyStatus bool
}

// TestEveryRouteIsAuthorized walks the router's real route list: each route
// must have an entry here, and every kind of caller (none, each role, the
// wrong candidate) is let in or refused as the entry says. A new route
// without an entry fails this test.
func TestEveryRouteIsAuthorized(t *testing.T) {
	s := newRealServer(t, api.RateLimit{})
	f := s.fixture(t, `{"candidate":"NAME","challenges":["add"]}`)
	all := []string{"admin", "interviewer", "candidate"}
	staff := []string{"admin", "interviewer"}
	adminOnly := []string{"admin"}
	sub := `{"challenge":"add","files":{"solution.py":"y = 1\n"}}`
	// Invitations the table may revoke and relink (the walk goes on as A
	// and B).
	var spare, spare2 api.CreatedInvitation
	s.must(t, 201, f.interviewer.Token, "POST", "/api/v1/assessments/"+f.assessment.ID+"/invitations", `{"candidate":"Spare"}`, &spare)
	s.must(t, 201, f.interviewer.Token, "POST", "/api/v1/assessments/"+f.assessment.ID+"/invitations", `{"candidate":"Spare 2"}`, &spare2)
	table := map[string]accessSpec{
		"DELETE /api/v1/invitations/:id":                           {roles: staff, path: "/api/v1/invitations/" + spare.ID},
		"POST /api/v1/invitations/:id/link":                        {roles: staff, path: "/api/v1/invitations/" + spare2.ID + "/link"},
		"GET /api/v1/invitations/:id/decisions":                    {roles: staff, path: "/api/v1/invitations/" + f.a.ID + "/decisions"},
		"POST /api/v1/invitations/:id/decisions":                   {roles: staff, path: "/api/v1/invitations/" + f.a.ID + "/decisions", body: `{"decision":"hold"}`},
		"GET /api/v1/submissions/:id/notes":                        {roles: staff, path: "/api/v1/submissions/" + f.subA + "/notes"},
		"POST /api/v1/submissions/:id/notes":                       {roles: staff, path: "/api/v1/submissions/" + f.subA + "/notes", body: `{"file":"solution.py","line":1,"text":"why?"}`},
		"GET /api/v1/assessments/:id/challenges/:challenge/cohort": {roles: staff, path: "/api/v1/assessments/" + f.assessment.ID + "/challenges/add/cohort"},
		"POST /review/assessments":                                 {roles: staff, page: true, form: true, path: "/review/assessments", body: "name=X&challenges=add", anyStatus: true},
		"GET /review/challenges/:slug":                             {roles: staff, page: true, path: "/review/challenges/add"},
		"POST /review/assessments/:id/invitations":                 {roles: staff, page: true, form: true, path: "/review/assessments/" + f.assessment.ID + "/invitations", body: "candidates=Zed"},
		"POST /review/invitations/:id/revoke":                      {roles: staff, page: true, form: true, path: "/review/invitations/" + spare.ID + "/revoke", anyStatus: true},
		"POST /review/invitations/:id/link":                        {roles: staff, page: true, form: true, path: "/review/invitations/" + spare2.ID + "/link"},
		"POST /review/invitations/:id/decision":                    {roles: staff, page: true, form: true, path: "/review/invitations/" + f.a.ID + "/decision", body: "decision=advance"},
		"POST /review/submissions/:id/notes":                       {roles: staff, page: true, form: true, path: "/review/submissions/" + f.subA + "/notes", body: "file=solution.py&line=1&text=hm"},
		"GET /review/assessments/:id/challenges/:challenge":        {roles: staff, page: true, path: "/review/assessments/" + f.assessment.ID + "/challenges/add"},
		"POST /api/v1/invitations/:id/drafts/:challenge/events":    {roles: []string{"candidate"}, path: "/api/v1/invitations/" + f.a.ID + "/drafts/add/events", body: `{"session":"abcdefgh","seq":0,"events":[{"t":1,"k":"focus"}]}`},
		"GET /api/v1/invitations/:id/drafts/:challenge/events":     {roles: staff, path: "/api/v1/invitations/" + f.a.ID + "/drafts/add/events"},
		"GET /review/invitations/:id/replay/:challenge":            {roles: staff, page: true, path: "/review/invitations/" + f.a.ID + "/replay/add"},
		"GET /api/v1/assessments/:id/similarity":                   {roles: staff, path: "/api/v1/assessments/" + f.assessment.ID + "/similarity"},
		"GET /api/v1/submissions/:id/similar":                      {roles: staff, path: "/api/v1/submissions/" + f.subA + "/similar"},
		"GET /review/assessments/:id/similarity":                   {roles: staff, page: true, path: "/review/assessments/" + f.assessment.ID + "/similarity"},
		"GET /review/similarity/:a/:b":                             {roles: staff, page: true, path: "/review/similarity/" + f.subA + "/" + f.subB},
		"GET /review/assessments/:id/compare":                      {roles: staff, page: true, path: "/review/assessments/" + f.assessment.ID + "/compare?challenge=add&a=" + f.a.ID + "&b=" + f.b.ID},
		"GET /healthz":                                             {public: true, path: "/healthz"},
		"GET /readyz":                                              {public: true, path: "/readyz"},
		"GET /metrics":                                             {public: true, path: "/metrics"},
		"GET /":                                                    {public: true, path: "/"},
		"GET /static/*filepath":                                    {public: true, path: "/static/style.css"},
		"HEAD /static/*filepath":                                   {public: true, path: "/static/style.css"},
		"GET /api/v1/openapi.json":                                 {public: true, path: "/api/v1/openapi.json"},
		"GET /api/v1/challenges":                                   {public: true, path: "/api/v1/challenges"},
		"GET /api/v1/challenges/:slug":                             {public: true, path: "/api/v1/challenges/add"},
		"GET /i/:token":                                            {public: true, path: "/i/" + f.a.Token},
		"GET /review/login":                                        {public: true, path: "/review/login"},
		"POST /review/login":                                       {public: true, path: "/review/login", form: true, body: "token=" + url.QueryEscape(testAdminToken)},
		"POST /review/logout":                                      {public: true, path: "/review/logout", form: true},
		"GET /api/v1/me":                                           {roles: all, path: "/api/v1/me"},
		"POST /api/v1/submissions":                                 {roles: all, path: "/api/v1/submissions", body: sub},
		"GET /api/v1/submissions/:id":                              {roles: all, path: "/api/v1/submissions/" + f.subA},
		"GET /api/v1/submissions/:id/events":                       {roles: all, path: "/api/v1/submissions/" + f.subA + "/events"},
		"GET /api/v1/invitations/:id":                              {roles: all, path: "/api/v1/invitations/" + f.a.ID},
		"GET /api/v1/submissions/:id/deliveries":                   {roles: staff, path: "/api/v1/submissions/" + f.subA + "/deliveries"},
		// (not a timed session: 409 for its candidate, as for staff's time)
		"POST /api/v1/invitations/:id/start": {roles: []string{"candidate"}, path: "/api/v1/invitations/" + f.a.ID + "/start", anyStatus: true},
		"POST /api/v1/invitations/:id/time":  {roles: staff, path: "/api/v1/invitations/" + f.a.ID + "/time", body: `{"extra_minutes":5}`, anyStatus: true},
		// (A's submission in the fixture saved a draft)
		"GET /api/v1/invitations/:id/drafts/:challenge":         {roles: all, path: "/api/v1/invitations/" + f.a.ID + "/drafts/add"},
		"PUT /api/v1/invitations/:id/drafts/:challenge":         {roles: []string{"candidate"}, path: "/api/v1/invitations/" + f.a.ID + "/drafts/add", body: `{"files":{"solution.py":"x = 1\n"}}`},
		"GET /api/v1/invitations/:id/drafts/:challenge/history": {roles: staff, path: "/api/v1/invitations/" + f.a.ID + "/drafts/add/history"},
		"POST /api/v1/interviewers":                             {roles: adminOnly, path: "/api/v1/interviewers", body: `{"name":"New"}`},
		"GET /api/v1/interviewers":                              {roles: adminOnly, path: "/api/v1/interviewers"},
		"DELETE /api/v1/interviewers/:id":                       {roles: adminOnly, path: "/api/v1/interviewers/" + f.spareInterviewer.ID},
		"POST /api/v1/assessments":                              {roles: staff, path: "/api/v1/assessments", body: `{"name":"X","challenges":["mul"]}`},
		"GET /api/v1/assessments":                               {roles: staff, path: "/api/v1/assessments"},
		"GET /api/v1/assessments/:id":                           {roles: staff, path: "/api/v1/assessments/" + f.assessment.ID},
		"POST /api/v1/assessments/:id/invitations":              {roles: staff, path: "/api/v1/assessments/" + f.assessment.ID + "/invitations", body: `{"candidate":"Cy"}`},
		"GET /api/v1/assessments/:id/results":                   {roles: staff, path: "/api/v1/assessments/" + f.assessment.ID + "/results?format=csv"},
		"GET /review":                                           {roles: staff, page: true, path: "/review"},
		"GET /review/assessments/:id":                           {roles: staff, page: true, path: "/review/assessments/" + f.assessment.ID},
		"POST /review/invitations/:id/time":                     {roles: staff, page: true, form: true, path: "/review/invitations/" + f.a.ID + "/time", body: "extra_minutes=5&assessment=" + f.assessment.ID},
		"GET /review/submissions/:id":                           {roles: staff, page: true, path: "/review/submissions/" + f.subA},
		"POST /api/v1/challenges":                               {roles: adminOnly, path: "/api/v1/challenges", body: `{}`, anyStatus: true},
		"GET /api/v1/challenges/:slug/versions":                 {roles: adminOnly, path: "/api/v1/challenges/add/versions", anyStatus: true},
		"POST /api/v1/regrades":                                 {roles: adminOnly, path: "/api/v1/regrades", body: `{"challenge":"mul"}`},
		"GET /api/v1/regrades":                                  {roles: adminOnly, path: "/api/v1/regrades"},
		"GET /api/v1/regrades/:id":                              {roles: adminOnly, path: "/api/v1/regrades/none", anyStatus: true},
		"GET /review/regrades":                                  {roles: adminOnly, page: true, path: "/review/regrades"},
		"POST /review/regrades":                                 {roles: adminOnly, page: true, path: "/review/regrades", form: true, body: "challenge=mul"},
		"GET /review/regrades/:id":                              {roles: adminOnly, page: true, path: "/review/regrades/none", anyStatus: true},
		// (this server has no publisher: the upload and the versions answer 503 pages; adminpages_test.go tests them with one)
		"GET /review/challenges":                {roles: adminOnly, page: true, path: "/review/challenges"},
		"POST /review/challenges":               {roles: adminOnly, page: true, path: "/review/challenges", form: true, body: "x=1", anyStatus: true},
		"GET /review/challenges/:slug/versions": {roles: adminOnly, page: true, path: "/review/challenges/add/versions", anyStatus: true},
		"GET /review/interviewers":              {roles: adminOnly, page: true, path: "/review/interviewers"},
		"POST /review/interviewers":             {roles: adminOnly, page: true, path: "/review/interviewers", form: true, body: "name=New"},
		"POST /review/interviewers/:id/revoke":  {roles: adminOnly, page: true, path: "/review/interviewers/" + f.spareInterviewer.ID + "/revoke", form: true},
	}
	tokens := map[string]string{nobody: "", candidateB: f.b.Token, candidateA: f.a.Token, interviewer: f.interviewer.Token, admin: testAdminToken}
	roleOf := map[string]string{candidateB: "candidate", candidateA: "candidate", interviewer: "interviewer", admin: "admin"}

	k := newContract(t)
	defer k.report(t)
	seen := map[string]bool{}
	routes := s.engine.Routes()
	sort.Slice(routes, func(i, j int) bool { return routes[i].Path+routes[i].Method < routes[j].Path+routes[j].Method })
	for _, r := range routes {
		key := r.Method + " " + r.Path
		seen[key] = true
		spec, ok := table[key]
		if !ok {
			t.Errorf("route %s has no authorization test: add it to the table", key)
			continue
		}
		for _, who := range []string{nobody, candidateB, candidateA, interviewer, admin} {
			req := httptest.NewRequest(r.Method, spec.path, strings.NewReader(spec.body))
			switch {
			case spec.form:
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			case spec.body != "":
				req.Header.Set("Content-Type", "application/json")
			}
			if tok := tokens[who]; tok != "" {
				req.Header.Set("Authorization", "Bearer "+tok)
			}
			rec := httptest.NewRecorder()
			s.h.ServeHTTP(rec, req)
			k.check(req, spec.body, rec)
			code := rec.Code
			allowed := spec.public || (who != nobody && contains(spec.roles, roleOf[who]) && who != candidateB)
			// B is refused on A's data; on a route that names no one's
			// data (POST submissions, GET me) B is as welcome as A.
			if who == candidateB && contains(spec.roles, "candidate") && (key == "POST /api/v1/submissions" || key == "GET /api/v1/me") {
				allowed = true
			}
			switch {
			case allowed && (code == 401 || code == 403):
				t.Errorf("%s as %s: %d %s; want it allowed", key, who, code, rec.Body)
			case allowed && !spec.anyStatus && code >= 400:
				t.Errorf("%s as %s: %d %s; want success", key, who, code, rec.Body)
			case !allowed && who == nobody && spec.page:
				if code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/review/login") {
					t.Errorf("%s as %s: %d %v; want a redirect to the login form", key, who, code, rec.Header())
				}
			case !allowed && who == nobody && code != 401:
				t.Errorf("%s as %s: %d %s; want 401", key, who, code, rec.Body)
			case !allowed && who != nobody && code != 403:
				t.Errorf("%s as %s: %d %s; want 403", key, who, code, rec.Body)
			}
		}
	}
	for key := range table {
		if !seen[key] {
			t.Errorf("the table tests %s, which the router does not have", key)
		}
	}
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// TestCandidateSeesOnlyTheirOwn checks a candidate's view: their own
// submissions in the candidate view, nobody else's, and a bad or revoked
// token is 401.
func TestCandidateSeesOnlyTheirOwn(t *testing.T) {
	s := newRealServer(t, api.RateLimit{})
	f := s.fixture(t, `{"candidate":"NAME","email":"NAME@example.com","challenges":["add"]}`)
	var rep api.CandidateReport
	s.must(t, 200, f.a.Token, "GET", "/api/v1/invitations/"+f.a.ID, "", &rep)
	if len(rep.Submissions) != 1 || rep.Submissions[0].ID != f.subA || rep.Invitation.Candidate != "Ada" {
		t.Errorf("A's report: %+v", rep)
	}
	if rec := s.call(t, f.a.Token, "GET", "/api/v1/submissions/"+f.subB, "", nil); rec.Code != 403 {
		t.Errorf("A reads B's submission: %d %s", rec.Code, rec.Body)
	}
	if rec := s.call(t, f.a.Token, "GET", "/api/v1/submissions/"+f.subB+"?wait=5s", "", nil); rec.Code != 403 {
		t.Errorf("A waits for B's submission: %d %s", rec.Code, rec.Body)
	}
	var st runner.State
	s.must(t, 200, f.interviewer.Token, "GET", "/api/v1/submissions/"+f.subA, "", &st)
	if st.Submission.Invitation != f.a.ID || st.Submission.Submitter != "Ada" {
		t.Errorf("the submission does not record who sent it: %+v", st.Submission)
	}
	var mine api.SubmissionAccepted
	s.must(t, 202, f.interviewer.Token, "POST", "/api/v1/submissions", `{"challenge":"mul","files":{"solution.py":"x"}}`, &mine)
	st = runner.State{}
	s.must(t, 200, testAdminToken, "GET", "/api/v1/submissions/"+mine.ID, "", &st)
	if st.Submission.Interviewer != f.interviewer.ID || st.Submission.Invitation != "" {
		t.Errorf("staff submission: %+v", st.Submission)
	}
	// Revoking an interviewer's token locks it out at once.
	s.must(t, 204, testAdminToken, "DELETE", "/api/v1/interviewers/"+f.interviewer.ID, "", nil)
	if rec := s.call(t, f.interviewer.Token, "GET", "/api/v1/assessments", "", nil); rec.Code != 401 {
		t.Errorf("revoked token: %d %s", rec.Code, rec.Body)
	}
	for _, auth := range []string{testAdminToken, "Basic " + testAdminToken, "Bearer"} {
		req := httptest.NewRequest("GET", "/api/v1/assessments", nil)
		req.Header.Set("Authorization", auth)
		rec := httptest.NewRecorder()
		s.h.ServeHTTP(rec, req)
		if rec.Code != 401 {
			t.Errorf("Authorization %q: %d; want 401", auth, rec.Code)
		}
	}
}

// TestCandidateLimits: a challenge outside the invitation, an expired
// invitation and a used-up attempt limit are each a clear 403, and a
// refused submission is not queued.
func TestCandidateLimits(t *testing.T) {
	s := newRealServer(t, api.RateLimit{})
	f := s.fixture(t, `{"candidate":"NAME","challenges":["add"],"attempt_limit":2}`)
	body := `{"challenge":"add","files":{"solution.py":"x = 3\n"}}`
	// The fixture used one of A's two attempts.
	s.must(t, 202, f.a.Token, "POST", "/api/v1/submissions", body, nil)
	rec := s.call(t, f.a.Token, "POST", "/api/v1/submissions", body, nil)
	if rec.Code != 403 || !strings.Contains(rec.Body.String(), "every attempt") {
		t.Errorf("third attempt: %d %s", rec.Code, rec.Body)
	}
	rec = s.call(t, f.b.Token, "POST", "/api/v1/submissions", `{"challenge":"mul","files":{"solution.py":"x"}}`, nil)
	if rec.Code != 403 || !strings.Contains(rec.Body.String(), "does not include") {
		t.Errorf("challenge outside the invitation: %d %s", rec.Code, rec.Body)
	}
	var expired api.CreatedInvitation
	past := time.Now().Add(-time.Minute).UTC().Format(time.RFC3339)
	s.must(t, 201, testAdminToken, "POST", "/api/v1/assessments/"+f.assessment.ID+"/invitations", `{"candidate":"Late","deadline":"`+past+`"}`, &expired)
	rec = s.call(t, expired.Token, "POST", "/api/v1/submissions", body, nil)
	if rec.Code != 403 || !strings.Contains(rec.Body.String(), "expired") {
		t.Errorf("expired invitation: %d %s", rec.Code, rec.Body)
	}
	var rep api.CandidateReport
	s.must(t, 200, f.a.Token, "GET", "/api/v1/invitations/"+f.a.ID, "", &rep)
	if len(rep.Submissions) != 2 || rep.Challenges[0].Attempts != 2 {
		t.Errorf("after the refused attempt: %+v", rep)
	}
	n, err := s.broker.QueueLength(context.Background())
	if err != nil || n != 3 {
		t.Errorf("queued %d, %v; want 3 (A twice, B once)", n, err)
	}
}

// TestRateLimitPerCandidate: past the limit a candidate gets 429 with
// Retry-After; another candidate and staff are not held back by it.
func TestRateLimitPerCandidate(t *testing.T) {
	s := newRealServer(t, api.RateLimit{N: 2, Per: time.Hour})
	f := s.fixture(t, `{"candidate":"NAME","challenges":["add"]}`)
	body := `{"challenge":"add","files":{"solution.py":"x = 4\n"}}`
	s.must(t, 202, f.a.Token, "POST", "/api/v1/submissions", body, nil) // the fixture sent A's first
	rec := s.call(t, f.a.Token, "POST", "/api/v1/submissions", body, nil)
	if rec.Code != 429 || !strings.Contains(rec.Body.String(), "too many") {
		t.Fatalf("third in the window: %d %s", rec.Code, rec.Body)
	}
	if ra := rec.Header().Get("Retry-After"); ra == "" || ra == "0" {
		t.Errorf("Retry-After %q", ra)
	}
	s.must(t, 202, f.b.Token, "POST", "/api/v1/submissions", body, nil)
	for range 3 {
		s.must(t, 202, testAdminToken, "POST", "/api/v1/submissions", body, nil)
	}
}

// TestIdempotencyKeyIsPerPrincipal: two candidates who happen to send the
// same key each get their own submission.
func TestIdempotencyKeyIsPerPrincipal(t *testing.T) {
	s := newRealServer(t, api.RateLimit{})
	f := s.fixture(t, `{"candidate":"NAME","challenges":["add"]}`)
	send := func(tok, src string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "/api/v1/submissions", strings.NewReader(`{"challenge":"add","files":{"solution.py":"`+src+`"}}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Idempotency-Key", "same-key")
		rec := httptest.NewRecorder()
		s.h.ServeHTTP(rec, req)
		return rec
	}
	a, b := send(f.a.Token, "a = 1"), send(f.b.Token, "b = 1")
	if a.Code != 202 || b.Code != 202 || a.Header().Get("Location") == b.Header().Get("Location") {
		t.Fatalf("A %d %s, B %d %s", a.Code, a.Body, b.Code, b.Body)
	}
	if again := send(f.a.Token, "a = 1"); again.Code != 202 || again.Header().Get("Idempotent-Replayed") != "true" || again.Header().Get("Location") != a.Header().Get("Location") {
		t.Errorf("A's retry: %d %v", again.Code, again.Header())
	}
}

// TestCookiesOnlyForReading: the page cookies authenticate GETs (pages,
// the event stream) but never a POST, so another site cannot submit.
func TestCookiesOnlyForReading(t *testing.T) {
	s := newRealServer(t, api.RateLimit{})
	f := s.fixture(t, `{"candidate":"NAME","challenges":["add"]}`)
	page := httptest.NewRecorder()
	s.h.ServeHTTP(page, httptest.NewRequest("GET", "/i/"+f.a.Token, nil))
	if page.Code != 200 || !strings.Contains(page.Body.String(), "Write add(a, b)") {
		t.Fatalf("candidate page: %d %s", page.Code, page.Body)
	}
	cookies := page.Result().Cookies()
	if len(cookies) != 1 || !cookies[0].HttpOnly || cookies[0].SameSite != http.SameSiteStrictMode {
		t.Fatalf("cookies %+v", cookies)
	}
	get := httptest.NewRequest("GET", "/api/v1/me", nil)
	get.AddCookie(cookies[0])
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, get)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"role":"candidate"`) {
		t.Errorf("GET with the cookie: %d %s", rec.Code, rec.Body)
	}
	post := httptest.NewRequest("POST", "/api/v1/submissions", strings.NewReader(`{"challenge":"add","files":{"solution.py":"x"}}`))
	post.Header.Set("Content-Type", "application/json")
	post.AddCookie(cookies[0])
	rec = httptest.NewRecorder()
	s.h.ServeHTTP(rec, post)
	if rec.Code != 401 {
		t.Errorf("POST with only the cookie: %d %s; want 401", rec.Code, rec.Body)
	}
	for _, tok := range []string{"not-a-token", f.interviewer.Token} {
		rec = httptest.NewRecorder()
		s.h.ServeHTTP(rec, httptest.NewRequest("GET", "/i/"+tok, nil))
		if rec.Code != 403 || !strings.Contains(rec.Body.String(), "not valid") {
			t.Errorf("/i/ with a non-invitation token: %d", rec.Code)
		}
	}
}

// A candidate cannot put another name on a submission: reviews and
// webhooks show the invitation's candidate.
func TestCandidateCannotChooseTheSubmitterName(t *testing.T) {
	s := newRealServer(t, api.RateLimit{})
	f := s.fixture(t, `{"candidate":"NAME","challenges":["add"]}`)
	var acc api.SubmissionAccepted
	s.must(t, 202, f.a.Token, "POST", "/api/v1/submissions", `{"challenge":"add","files":{"solution.py":"x = 1\n"},"submitter":"Bob"}`, &acc)
	var st runner.State
	s.must(t, 200, testAdminToken, "GET", "/api/v1/submissions/"+acc.ID, "", &st)
	if st.Submission.Submitter != "Ada" {
		t.Errorf("submitter %q, want the invitation's candidate Ada", st.Submission.Submitter)
	}
}
