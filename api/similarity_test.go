package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	goredis "github.com/redis/go-redis/v9"

	"assay/api"
	"assay/internal/testenv"
	"assay/similarity"
)

// similarityIndex is a similarity index on the Redis at url.
func similarityIndex(t *testing.T, url string) *similarity.Index {
	t.Helper()
	opts, err := goredis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	rdb := goredis.NewClient(opts)
	t.Cleanup(func() { rdb.Close() })
	x, err := similarity.NewIndex(similarity.Config{Redis: rdb})
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func seededSource(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../similarity/testdata/decorators/" + name + ".py")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Two candidates' copies (one renamed and reordered) and a third's
// independent solution: staff see the one pair, on both routes, with the
// candidates named; bad ids are 404, a pair of one submission or of two
// challenges 400.
func TestSimilarityRoutes(t *testing.T) {
	x := similarityIndex(t, testenv.Redis(t))
	s := newRealServerWith(t, func(c *api.Config) { c.Similarity = x })
	f := s.fixture(t, `{"candidate":"NAME","challenges":["add","mul"]}`)
	var cy api.CreatedInvitation
	s.must(t, 201, f.interviewer.Token, "POST", "/api/v1/assessments/"+f.assessment.ID+"/invitations", `{"candidate":"Cy","challenges":["add","mul"]}`, &cy)
	ctx := context.Background()
	ch := twoChallenges(t).list[0]
	pr := api.ScaffoldOf(ch).Prepare(x.Params())
	submit := func(tok, inv, name string) string {
		var acc api.SubmissionAccepted
		body := `{"challenge":"add","files":{"solution.py":` + jsonString(seededSource(t, name)) + `}}`
		s.must(t, 202, tok, "POST", "/api/v1/submissions", body, &acc)
		// What the indexer does once the result is recorded.
		if _, _, err := x.Add(ctx, similarity.Record{ID: acc.ID, Challenge: "add", Author: inv}, pr.Analyze(map[string]string{"solution.py": seededSource(t, name)})); err != nil {
			t.Fatal(err)
		}
		return acc.ID
	}
	alice := submit(f.a.Token, f.a.ID, "alice")
	mallory := submit(f.b.Token, f.b.ID, "mallory")
	bob := submit(cy.Token, cy.ID, "bob")

	var rep api.SimilarityReport
	s.must(t, 200, f.interviewer.Token, "GET", "/api/v1/assessments/"+f.assessment.ID+"/similarity", "", &rep)
	if len(rep.Pairs) != 1 {
		t.Fatalf("pairs: %+v, want one", rep.Pairs)
	}
	p := rep.Pairs[0]
	names := map[string]bool{p.A.Candidate: true, p.B.Candidate: true}
	if !names["Ada"] || !names["Bob"] || p.Score < 0.8 || p.A.Assessment != f.assessment.ID {
		t.Errorf("pair: %+v, want Ada and Bob at 0.8 or more", p)
	}
	if rep.Pending != 2 { // the fixture's own one-line submissions were not indexed
		t.Errorf("pending %d, want 2", rep.Pending)
	}
	if len(rep.Submissions) != 3 || len(rep.Clusters) != 0 {
		t.Errorf("submissions %d, clusters %d; want 3 and 0", len(rep.Submissions), len(rep.Clusters))
	}

	var sim api.SimilarView
	s.must(t, 200, testAdminToken, "GET", "/api/v1/submissions/"+alice+"/similar", "", &sim)
	if !sim.Indexed || len(sim.Similar) != 1 || sim.Similar[0].B.Submission != mallory || sim.Similar[0].B.Candidate != "Bob" {
		t.Errorf("similar to alice: %+v", sim)
	}
	s.must(t, 200, testAdminToken, "GET", "/api/v1/submissions/"+bob+"/similar", "", &sim)
	if !sim.Indexed || len(sim.Similar) != 0 {
		t.Errorf("similar to bob: %+v, want none", sim)
	}
	s.must(t, 200, testAdminToken, "GET", "/api/v1/submissions/"+f.subA+"/similar", "", &sim)
	if sim.Indexed {
		t.Errorf("an unindexed submission: %+v", sim)
	}

	// Hostile or mistaken ids.
	for _, path := range []string{
		"/api/v1/submissions/no-such-id/similar",
		"/api/v1/submissions/" + strings.Repeat("x", 300) + "/similar",
		"/api/v1/assessments/no-such-assessment/similarity",
	} {
		if rec := s.call(t, f.interviewer.Token, "GET", path, "", nil); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d %s, want 404", path, rec.Code, rec.Body)
		}
	}
	var other api.SubmissionAccepted
	s.must(t, 202, f.a.Token, "POST", "/api/v1/submissions", `{"challenge":"mul","files":{"solution.py":"x = 3\n"}}`, &other)
	for path, want := range map[string]int{
		"/review/similarity/" + alice + "/" + alice:    http.StatusBadRequest,
		"/review/similarity/" + alice + "/" + other.ID: http.StatusBadRequest,
		"/review/similarity/" + alice + "/nope":        http.StatusNotFound,
		"/review/similarity/" + alice + "/" + mallory:  http.StatusOK,
	} {
		rec := s.call(t, f.interviewer.Token, "GET", path, "", nil)
		if rec.Code != want {
			t.Errorf("GET %s: %d, want %d", path, rec.Code, want)
		}
		if want == http.StatusOK && strings.Count(rec.Body.String(), "<mark>") < 4 {
			t.Errorf("the pair page highlights %d stretches, want several", strings.Count(rec.Body.String(), "<mark>"))
		}
	}
	// A candidate cannot read them.
	if rec := s.call(t, f.a.Token, "GET", "/api/v1/submissions/"+alice+"/similar", "", nil); rec.Code != http.StatusForbidden {
		t.Errorf("candidate: %d, want 403", rec.Code)
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// Three candidates sharing one solution make a cluster; a fourth with
// her own is in no pair.
func TestSimilarityClusters(t *testing.T) {
	x := similarityIndex(t, testenv.Redis(t))
	s := newRealServerWith(t, func(c *api.Config) { c.Similarity = x })
	f := s.fixture(t, `{"candidate":"NAME","challenges":["add"]}`)
	ctx := context.Background()
	pr := api.ScaffoldOf(twoChallenges(t).list[0]).Prepare(x.Params())
	ids := map[string]string{}
	for i, who := range []string{"Cy:alice", "Dee:mallory", "Eve:alice", "Fay:bob"} {
		name, file, _ := strings.Cut(who, ":")
		var inv api.CreatedInvitation
		s.must(t, 201, f.interviewer.Token, "POST", "/api/v1/assessments/"+f.assessment.ID+"/invitations", `{"candidate":"`+name+`"}`, &inv)
		var acc api.SubmissionAccepted
		src := seededSource(t, file)
		if i == 2 {
			src = "# mine, honestly\n" + src
		}
		s.must(t, 202, inv.Token, "POST", "/api/v1/submissions", `{"challenge":"add","files":{"solution.py":`+jsonString(src)+`}}`, &acc)
		if _, _, err := x.Add(ctx, similarity.Record{ID: acc.ID, Challenge: "add", Author: inv.ID}, pr.Analyze(map[string]string{"solution.py": src})); err != nil {
			t.Fatal(err)
		}
		ids[name] = acc.ID
	}
	var rep api.SimilarityReport
	s.must(t, 200, f.interviewer.Token, "GET", "/api/v1/assessments/"+f.assessment.ID+"/similarity", "", &rep)
	if len(rep.Pairs) != 3 {
		t.Errorf("%d pairs, want 3 (Cy, Dee and Eve with each other)", len(rep.Pairs))
	}
	if len(rep.Clusters) != 1 || len(rep.Clusters[0].Submissions) != 3 || rep.Clusters[0].Challenge != "add" {
		t.Fatalf("clusters: %+v, want one of three", rep.Clusters)
	}
	for _, id := range rep.Clusters[0].Submissions {
		if id == ids["Fay"] {
			t.Errorf("Fay's own solution is in the cluster")
		}
	}
	for i := 1; i < len(rep.Pairs); i++ {
		if rep.Pairs[i].Score > rep.Pairs[i-1].Score {
			t.Errorf("pairs not sorted by score: %v", rep.Pairs)
		}
	}
}
