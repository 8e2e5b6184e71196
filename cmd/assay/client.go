package main

// The shared parts of Assay's command-line client (assay submit, assay
// challenges push): where the server is, the token, HTTP calls and their
// errors, and the exit statuses scripts rely on.

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// defaultServer is where the client looks for Assay when neither --server
// nor ASSAY_SERVER says.
const defaultServer = "http://127.0.0.1:8080"

// Exit statuses of the client commands: 0 success, exitFailed for a
// verdict other than passed or a refused challenge, exitUsage for usage
// errors and for a server that cannot be reached or answers with an error.
const (
	exitFailed = 1
	exitUsage  = 2
)

// exitError is an error that sets the process's exit status. A silent
// one has been reported on the terminal already, so main prints nothing.
type exitError struct {
	code   int
	err    error
	silent bool
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// exitFailure is the exit status 1 of a verdict or a refusal already shown.
func exitFailure(format string, args ...any) error {
	return &exitError{code: exitFailed, err: fmt.Errorf(format, args...), silent: true}
}

// exitCode is the process's exit status for an error run returned: the
// status an exitError carries, else exitUsage.
func exitCode(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return exitUsage
}

// reported says whether err has been shown to the user already.
func reported(err error) bool {
	var ee *exitError
	return errors.As(err, &ee) && ee.silent
}

// clientFlags are the flags every client command takes.
type clientFlags struct {
	server string
	token  string
}

// register adds --server and --token to fset.
func (f *clientFlags) register(fset *flag.FlagSet) {
	fset.StringVar(&f.server, "server", "", "the Assay server's URL (env ASSAY_SERVER; default "+defaultServer+")")
	fset.StringVar(&f.token, "token", "", "bearer token (env ASSAY_TOKEN, else ASSAY_ADMIN_TOKEN)")
}

// client makes the API client: a flag wins over its variable.
func (f *clientFlags) client(getenv func(string) string) (*apiClient, error) {
	server := firstOf(f.server, getenv("ASSAY_SERVER"), defaultServer)
	u, err := url.Parse(strings.TrimRight(server, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("server %q: give an http:// or https:// URL, like %s", server, defaultServer)
	}
	token := firstOf(f.token, getenv("ASSAY_TOKEN"), getenv("ASSAY_ADMIN_TOKEN"))
	return &apiClient{base: u.String(), token: token, http: &http.Client{}}, nil
}

func firstOf(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// parseInterspersed parses fset's flags wherever they are among args
// (`assay submit a.py --challenge x b.py`) and returns the other
// arguments in order; everything after "--" is an argument.
func parseInterspersed(fset *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fset.Parse(args); err != nil {
			return nil, err
		}
		rest := fset.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// apiClient calls one Assay server's API.
type apiClient struct {
	base  string // without a trailing slash
	token string
	http  *http.Client
}

// request makes a request of path (which starts with /) with the token.
func (c *apiClient) request(ctx context.Context, method, path string, body io.Reader) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	req.Header.Set("User-Agent", "assay-cli")
	return req, nil
}

// do sends req; an error means no answer came (the server is unreachable,
// or ctx ended).
func (c *apiClient) do(req *http.Request) (*http.Response, error) {
	resp, err := c.http.Do(req)
	if err != nil {
		if ctxErr := req.Context().Err(); ctxErr != nil {
			return nil, fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, ctxErr)
		}
		return nil, fmt.Errorf("cannot reach the Assay server at %s (set --server or ASSAY_SERVER): %w", c.base, err)
	}
	return resp, nil
}

// getJSON GETs path and decodes a 200 answer's JSON into out, keeping the
// raw body; any other status is an *apiError.
func (c *apiClient) getJSON(ctx context.Context, path string, out any) ([]byte, error) {
	req, err := c.request(ctx, http.MethodGet, path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return nil, fmt.Errorf("GET %s: read the answer: %w", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, answerError(resp, body)
	}
	if err := json.Unmarshal(body, out); err != nil {
		return nil, fmt.Errorf("GET %s: the answer is not the JSON expected: %w", path, err)
	}
	return body, nil
}

// maxAnswer bounds an API answer the client reads (a result holds pytest's
// output, itself bounded by the server).
const maxAnswer = 32 << 20

// apiError is an answer other than the one expected: the status, the
// server's own message, and how long it asks the client to wait, if it
// does.
type apiError struct {
	status     int
	msg        string
	retryAfter time.Duration // 0: no Retry-After
}

func (e *apiError) Error() string {
	s := fmt.Sprintf("the server answered %d %s", e.status, http.StatusText(e.status))
	if e.msg != "" {
		s += ": " + e.msg
	}
	switch {
	case e.status == http.StatusUnauthorized:
		s += " (give a token with --token or ASSAY_TOKEN)"
	case e.retryAfter > 0:
		s += fmt.Sprintf(" (the server asks to retry after %s)", e.retryAfter)
	}
	return s
}

// busy says whether the server refused for now, asking to come back later.
func (e *apiError) busy() bool {
	return (e.status == http.StatusTooManyRequests || e.status == http.StatusServiceUnavailable) && e.retryAfter > 0
}

// answerError turns an unexpected answer into an *apiError, with the
// message of the server's {"error": "..."} body when it has one.
func answerError(resp *http.Response, body []byte) *apiError {
	e := &apiError{status: resp.StatusCode, retryAfter: retryAfter(resp.Header.Get("Retry-After"))}
	var eb struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(body, &eb) == nil && eb.Error != "" {
		e.msg = eb.Error
	} else if text := strings.TrimSpace(string(body)); text != "" && len(text) < 300 {
		e.msg = text
	}
	return e
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n >= 0 {
		return max(time.Duration(n)*time.Second, time.Second)
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t).Round(time.Second), time.Second)
	}
	return 0
}
