package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"assay/api"
)

func post(h http.Handler, key, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", "/api/v1/submissions", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func acceptedID(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	if rec.Code != http.StatusAccepted {
		t.Fatalf("want 202, got %d %s", rec.Code, rec.Body)
	}
	var got api.SubmissionAccepted
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	return got.ID
}

func TestIdempotencyKey(t *testing.T) {
	subs := &fakeSubmissions{}
	h := newServer(t, subs)
	body := `{"challenge":"add","files":{"solution.py":"def add(a, b): return a + b\n"}}`
	first := acceptedID(t, post(h, "retry-me-1", body))
	rec := post(h, "retry-me-1", body)
	if again := acceptedID(t, rec); again != first {
		t.Fatalf("retry with the same key got %s, first was %s", again, first)
	}
	if rec.Header().Get("Idempotent-Replayed") != "true" || rec.Header().Get("Location") != "/api/v1/submissions/"+first {
		t.Errorf("replay headers: %v", rec.Header())
	}
	if len(subs.created) != 1 {
		t.Fatalf("%d submissions created for one key", len(subs.created))
	}

	other := `{"challenge":"add","files":{"solution.py":"def add(a, b): return b + a\n"}}`
	if rec := post(h, "retry-me-1", other); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "different request") {
		t.Errorf("key reused for another body: %d %s", rec.Code, rec.Body)
	}
	if second := acceptedID(t, post(h, "retry-me-2", body)); second == first {
		t.Error("a new key replayed the old submission")
	}
	if a, b := acceptedID(t, post(h, "", body)), acceptedID(t, post(h, "", body)); a == b {
		t.Error("requests without a key were merged")
	}
	if len(subs.created) != 4 {
		t.Errorf("%d submissions created, want 4", len(subs.created))
	}
}

func TestBadIdempotencyKeysAreRefused(t *testing.T) {
	body := `{"challenge":"add","files":{"solution.py":"x"}}`
	for name, key := range map[string]string{
		"space":     "two words",
		"too long":  strings.Repeat("k", 256),
		"non-ASCII": "clé",
		"control":   "a\tb",
	} {
		t.Run(name, func(t *testing.T) {
			subs := &fakeSubmissions{}
			rec := post(newServer(t, subs), key, body)
			if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "Idempotency-Key") {
				t.Errorf("%d %s", rec.Code, rec.Body)
			}
			if len(subs.created) != 0 {
				t.Errorf("%d submissions created", len(subs.created))
			}
		})
	}
	t.Run("two headers", func(t *testing.T) {
		subs := &fakeSubmissions{}
		req := httptest.NewRequest("POST", "/api/v1/submissions", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Add("Idempotency-Key", "a")
		req.Header.Add("Idempotency-Key", "b")
		rec := httptest.NewRecorder()
		newServer(t, subs).ServeHTTP(rec, req)
		if rec.Code != http.StatusBadRequest || len(subs.created) != 0 {
			t.Errorf("%d %s, created %d", rec.Code, rec.Body, len(subs.created))
		}
	})
}

func TestMetricsRouteAndRequestCounting(t *testing.T) {
	var routes []string
	h, err := api.New(api.Config{Catalog: fakeCatalog{testChallenge(t)}, Submissions: &fakeSubmissions{}, AdminToken: testAdminToken,
		Metrics:   http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("assay_metric 1\n")) }),
		OnRequest: func(route string, status int) { routes = append(routes, route+" "+http.StatusText(status)) }})
	if err != nil {
		t.Fatal(err)
	}
	h = asAdmin(h)
	if rec := do(h, "GET", "/metrics", "", ""); rec.Code != 200 || !strings.Contains(rec.Body.String(), "assay_metric 1") {
		t.Fatalf("/metrics: %d %s", rec.Code, rec.Body)
	}
	do(h, "GET", "/api/v1/submissions/00000000-0000-0000-0000-000000000001", "", "")
	do(h, "GET", "/nope", "", "")
	want := []string{"/metrics OK", "/api/v1/submissions/:id Not Found", "unmatched Not Found"}
	if strings.Join(routes, "|") != strings.Join(want, "|") {
		t.Errorf("routes %q, want %q", routes, want)
	}
}
