package api_test

import (
	"bytes"
	"context"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"assay/api"
)

// contract checks live requests and answers against the OpenAPI document
// with a real OpenAPI library (kin-openapi): the document must be valid,
// every answer's status must be documented for its route, and every JSON
// body must match its schema (oneOf included: one schema, not two).
type contract struct {
	router routers.Router
	// problems, by route and status, so one mistake is reported once.
	problems map[string]string
}

func newContract(t *testing.T) *contract {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(api.OpenAPI())
	if err != nil {
		t.Fatalf("load api/openapi.json: %v", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("api/openapi.json is not a valid OpenAPI document: %v", err)
	}
	r, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return &contract{router: r, problems: map[string]string{}}
}

// check validates one exchange: req was answered with rec.
func (k *contract) check(req *http.Request, body string, rec *httptest.ResponseRecorder) {
	ctx := context.Background()
	u := *req.URL
	u.Scheme, u.Host = "http", "localhost" // the document's server is "/"
	r2 := req.Clone(ctx)
	r2.URL = &u
	r2.Body = http.NoBody
	if body != "" {
		r2.Body = nopCloser{strings.NewReader(body)}
	}
	route, params, err := k.router.FindRoute(r2)
	if err != nil {
		k.problems[req.Method+" "+req.URL.Path] = "not in the document: " + err.Error()
		return
	}
	key := req.Method + " " + route.Path + " " + http.StatusText(rec.Code)
	in := &openapi3filter.RequestValidationInput{Request: r2, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, ExcludeRequestBody: true}}
	err = openapi3filter.ValidateResponse(ctx, &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: rec.Code, Header: rec.Header(),
		Body: nopCloser{bytes.NewReader(rec.Body.Bytes())},
		// Pages, streams and files: their status and content type are
		// checked, their bodies are not JSON to validate.
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true,
			ExcludeResponseBody: !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json")},
	})
	if err != nil {
		k.problems[key] = err.Error()
	}
}

func (k *contract) report(t *testing.T) {
	t.Helper()
	keys := slices.Sorted(maps.Keys(k.problems))
	for _, key := range keys {
		p := k.problems[key]
		if len(p) > 600 {
			p = p[:600] + "…"
		}
		t.Errorf("contract: %s: %s", key, p)
	}
}

type nopCloser struct{ io.Reader }

func (nopCloser) Close() error { return nil }
