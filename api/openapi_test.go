package api_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"assay/api"
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
