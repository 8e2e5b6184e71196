package api_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"assay/access"
	"assay/api"
	"assay/review"
	"assay/runner"
)

// TestOpenAPIMatchesRoutes compares the OpenAPI document with the routes
// the router has, both ways: no route undocumented, no documented route
// missing. gin's :param and *param are OpenAPI's {param}.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	s := newRealServer(t, api.RateLimit{})
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(api.OpenAPI(), &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Errorf("openapi %q; want 3.x", doc.OpenAPI)
	}
	param := regexp.MustCompile(`[:*]([A-Za-z_]+)`)
	routes := map[string]bool{}
	for _, r := range s.engine.Routes() {
		routes[strings.ToLower(r.Method)+" "+param.ReplaceAllString(r.Path, "{$1}")] = true
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			if method == "parameters" {
				continue
			}
			documented[method+" "+path] = true
			var o struct {
				Roles     []string                   `json:"x-roles"`
				Responses map[string]json.RawMessage `json:"responses"`
			}
			if err := json.Unmarshal(op, &o); err != nil || len(o.Roles) == 0 || len(o.Responses) == 0 {
				t.Errorf("%s %s: needs x-roles and responses (%v)", method, path, err)
			}
		}
	}
	var missing, extra []string
	for r := range routes {
		if !documented[r] {
			missing = append(missing, r)
		}
	}
	for d := range documented {
		if !routes[d] {
			extra = append(extra, d)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	for _, r := range missing {
		t.Errorf("route %s is not in api/openapi.json", r)
	}
	for _, d := range extra {
		t.Errorf("api/openapi.json documents %s, which the router does not have", d)
	}

	rec := s.call(t, "", "GET", "/api/v1/openapi.json", "", nil)
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/json" || !json.Valid(rec.Body.Bytes()) {
		t.Errorf("GET /api/v1/openapi.json: %d %s", rec.Code, rec.Header())
	}
}

// TestOpenAPISchemasMatchTypes: the verdict enum lists every verdict, and
// the schemas of what the API answers document exactly the JSON fields of
// the Go types behind them, both ways, so that a field added to a result
// (or to the candidate's view of one) cannot go undocumented.
func TestOpenAPISchemasMatchTypes(t *testing.T) {
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Enum       []string                   `json:"enum"`
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(api.OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	schemas := doc.Components.Schemas
	verdicts := []runner.Verdict{runner.VerdictPassed, runner.VerdictFailed, runner.VerdictError, runner.VerdictTimeout,
		runner.VerdictMemoryLimit, runner.VerdictOutputLimit, runner.VerdictRejected, runner.VerdictTampered, runner.VerdictInternalError}
	var want []string
	for _, v := range verdicts {
		want = append(want, string(v))
	}
	if got := schemas["Verdict"].Enum; !slices.Equal(got, want) {
		t.Errorf("Verdict enum %q; want %q", got, want)
	}
	for name, typ := range map[string]reflect.Type{
		"Result":            reflect.TypeFor[runner.Result](),
		"Finding":           reflect.TypeFor[runner.Finding](),
		"TestResult":        reflect.TypeFor[runner.TestResult](),
		"ReferenceTiming":   reflect.TypeFor[runner.ReferenceTiming](),
		"RegradeRef":        reflect.TypeFor[runner.RegradeRef](),
		"CandidateResult":   reflect.TypeFor[api.CandidateResult](),
		"SubmissionSummary": reflect.TypeFor[api.SubmissionSummary](),
		"ChallengeReport":   reflect.TypeFor[api.ChallengeReport](),
		"ResultRow":         reflect.TypeFor[api.ResultRow](),
		"Session":           reflect.TypeFor[api.Session](),
		"Draft":             reflect.TypeFor[runner.Draft](),
		"DraftHistory":      reflect.TypeFor[api.DraftHistory](),
		"NewTime":           reflect.TypeFor[api.NewTime](),
		"Invitation":        reflect.TypeFor[access.Invitation](),
		"Assessment":        reflect.TypeFor[access.Assessment](),
		"Note":              reflect.TypeFor[review.Note](),
		"NewNote":           reflect.TypeFor[api.NewNote](),
		"Decision":          reflect.TypeFor[review.Decision](),
		"NewDecision":       reflect.TypeFor[api.NewDecision](),
		"Decisions":         reflect.TypeFor[api.Decisions](),
		"NewInvitation":     reflect.TypeFor[api.NewInvitation](),
		"EditEvent":         reflect.TypeFor[review.Event](),
		"EditBatch":         reflect.TypeFor[api.EditBatch](),
		"ReplayView":        reflect.TypeFor[api.ReplayView](),
	} {
		fields := map[string]bool{}
		for i := range typ.NumField() {
			tag, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
			if tag != "" && tag != "-" {
				fields[tag] = true
			}
		}
		props := schemas[name].Properties
		for f := range fields {
			if _, ok := props[f]; !ok {
				t.Errorf("schema %s does not document %s.%s", name, typ.Name(), f)
			}
		}
		for p := range props {
			if !fields[p] {
				t.Errorf("schema %s documents %s, which %s does not have", name, p, typ.Name())
			}
		}
	}
}
