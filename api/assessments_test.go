package api_test

import (
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"assay/api"
	"assay/runner"
)

// TestExportAndReport: the report and the export show each candidate's
// best and latest result per challenge, in JSON and in CSV, and a
// candidate's name cannot smuggle a spreadsheet formula into the CSV.
func TestExportAndReport(t *testing.T) {
	s := newRealServer(t, api.RateLimit{})
	f := s.fixture(t, `{"candidate":"NAME","challenges":["add","mul"]}`)
	var evil api.CreatedInvitation
	s.must(t, 201, testAdminToken, "POST", "/api/v1/assessments/"+f.assessment.ID+"/invitations", `{"candidate":"=HYPERLINK(\"x\")","challenges":["add"]}`, &evil)

	// A's first submission passes 2 of 3 tests, the second fails; the
	// best is the first, the latest the second.
	var second api.SubmissionAccepted
	s.must(t, 202, f.a.Token, "POST", "/api/v1/submissions", `{"challenge":"add","files":{"solution.py":"x = 5\n"}}`, &second)
	ctx := context.Background()
	now := time.Now()
	for id, passed := range map[string]int{f.subA: 2, second.ID: 0} {
		v := runner.VerdictFailed
		if _, err := s.broker.SaveResult(ctx, runner.Result{SubmissionID: id, Verdict: v, Passed: passed, Total: 3, FinishedAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	var rep api.AssessmentReport
	s.must(t, 200, f.interviewer.Token, "GET", "/api/v1/assessments/"+f.assessment.ID, "", &rep)
	if len(rep.Candidates) != 3 {
		t.Fatalf("%d candidates", len(rep.Candidates))
	}
	add := rep.Candidates[0].Challenges[0]
	if add.Challenge != "add" || add.Attempts != 2 || add.Best.ID != f.subA || add.Latest.ID != second.ID {
		t.Errorf("A at add: %+v best %+v latest %+v", add, add.Best, add.Latest)
	}
	if mul := rep.Candidates[0].Challenges[1]; mul.Attempts != 0 || mul.Best != nil {
		t.Errorf("A at mul: %+v", mul)
	}

	var out struct {
		Results []api.ResultRow `json:"results"`
	}
	s.must(t, 200, f.interviewer.Token, "GET", "/api/v1/assessments/"+f.assessment.ID+"/results", "", &out)
	if len(out.Results) != 5 || out.Results[0].BestPassed != 2 || out.Results[0].LatestVerdict != runner.VerdictFailed {
		t.Errorf("json export: %+v", out.Results)
	}
	rec := s.call(t, f.interviewer.Token, "GET", "/api/v1/assessments/"+f.assessment.ID+"/results?format=csv", "", nil)
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") || !strings.Contains(rec.Header().Get("Content-Disposition"), ".csv") {
		t.Fatalf("csv export: %d %v", rec.Code, rec.Header())
	}
	rows, err := csv.NewReader(rec.Body).ReadAll()
	if err != nil || len(rows) != 6 || rows[0][0] != "candidate" || rows[1][0] != "Ada" || rows[1][5] != "failed" || rows[1][6] != "2" {
		t.Fatalf("csv: %v %q", err, rows)
	}
	if got := rows[5][0]; !strings.HasPrefix(got, "'=") {
		t.Errorf("a formula reached the CSV unescaped: %q", got)
	}
	if rec := s.call(t, f.interviewer.Token, "GET", "/api/v1/assessments/"+f.assessment.ID+"/results?format=xml", "", nil); rec.Code != 400 {
		t.Errorf("format=xml: %d", rec.Code)
	}
}
