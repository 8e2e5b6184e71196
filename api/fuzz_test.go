package api_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzCreateSubmission posts arbitrary bodies, content types and
// idempotency keys: every request is answered with a 2xx or 4xx, never a
// 500, and a refused request queues nothing.
func FuzzCreateSubmission(f *testing.F) {
	f.Add("application/json", "", `{"challenge":"add","files":{"solution.py":"def add(a, b): return a + b\n"}}`)
	f.Add("application/json", "k1", `{"challenge":"add","files":{"solution.py":"x"},"submitter":"a@b.c"}`)
	f.Add("application/json", "", `{"challenge":"add","files":{"solution.py":"\ud800"}}`)
	f.Add("application/json; charset=utf-8", "", `{"challenge":"add","files":{"solution.py":"x"}}`)
	f.Add("text/plain", "", `{}`)
	f.Add("application/json", "", `{"challenge":"add","files":{"solution.py":null}}`)
	f.Add("application/json", "", `[1,2,3]`)
	f.Add("application/json", "\x00", `{"challenge":1e999}`)
	f.Fuzz(func(t *testing.T, contentType, key, body string) {
		subs := &fakeSubmissions{}
		h := newServer(t, subs)
		req := httptest.NewRequest("POST", "/api/v1/submissions", strings.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		if key != "" {
			req.Header["Idempotency-Key"] = []string{key}
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch {
		case rec.Code == http.StatusAccepted:
			if len(subs.created) != 1 {
				t.Fatalf("202 but %d submissions created", len(subs.created))
			}
		case rec.Code >= 400 && rec.Code < 500:
			if len(subs.created) != 0 {
				t.Fatalf("%d but %d submissions created", rec.Code, len(subs.created))
			}
			if !strings.Contains(rec.Body.String(), `"error"`) {
				t.Fatalf("%d without an error message: %s", rec.Code, rec.Body)
			}
		default:
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	})
}

// FuzzGetSubmission requests arbitrary ids and wait values.
func FuzzGetSubmission(f *testing.F) {
	f.Add("00000000-0000-0000-0000-000000000001", "")
	f.Add("../../etc/passwd", "1s")
	f.Add("x", "-5s")
	f.Add("00000000-0000-0000-0000-000000000001", "9999999999999h")
	f.Fuzz(func(t *testing.T, id, wait string) {
		h := newServer(t, &fakeSubmissions{})
		req, err := http.NewRequest("GET", "/api/v1/submissions/x", nil)
		if err != nil {
			t.Skip()
		}
		req.URL.Path = "/api/v1/submissions/" + id
		q := req.URL.Query()
		if wait != "" {
			q.Set("wait", wait)
		}
		req.URL.RawQuery = q.Encode()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("GET %q wait=%q: %d %s", id, wait, rec.Code, rec.Body)
		}
	})
}
