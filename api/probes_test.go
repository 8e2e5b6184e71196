package api_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"assay/api"
)

func TestProbes(t *testing.T) {
	var down error
	h := api.Probes(func(context.Context) error { return down },
		http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("m 1\n")) }), nil)
	get := func(path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		return rec
	}
	if rec := get("/healthz"); rec.Code != 200 || !strings.Contains(rec.Body.String(), `"ok"`) {
		t.Errorf("healthz: %d %s", rec.Code, rec.Body)
	}
	if rec := get("/readyz"); rec.Code != 200 {
		t.Errorf("readyz: %d %s", rec.Code, rec.Body)
	}
	down = errors.New("docker: unreachable")
	if rec := get("/readyz"); rec.Code != 503 || rec.Header().Get("Retry-After") == "" || !strings.Contains(rec.Body.String(), "unreachable") {
		t.Errorf("readyz while down: %d %q %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
	if rec := get("/metrics"); rec.Code != 200 || rec.Body.String() != "m 1\n" {
		t.Errorf("metrics: %d %s", rec.Code, rec.Body)
	}
}
