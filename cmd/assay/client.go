package main

// The shared parts of Assay's command-line client (assay submit, assay
// challenges push, assay regrade): where the server is, the token, advice
// for the API's errors, and the exit statuses scripts rely on. The HTTP
// calls are package client's.

import (
	"errors"
	"flag"
	"fmt"
	"net/http"

	"assay/client"
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
func (f *clientFlags) client(getenv func(string) string) (*client.Client, error) {
	server := firstOf(f.server, getenv("ASSAY_SERVER"), defaultServer)
	token := firstOf(f.token, getenv("ASSAY_TOKEN"), getenv("ASSAY_ADMIN_TOKEN"))
	c, err := client.New(server, token)
	if err != nil {
		return nil, fmt.Errorf("%w, like %s", err, defaultServer)
	}
	return c, nil
}

// advise adds what to do about an API error that the flags can fix.
func advise(err error) error {
	var ce *client.Error
	switch {
	case err == nil || reported(err):
		return err
	case errors.As(err, &ce) && ce.Status == http.StatusUnauthorized:
		return fmt.Errorf("%w (give a token with --token or ASSAY_TOKEN)", err)
	case errors.Is(err, client.ErrUnreachable):
		return fmt.Errorf("%w (set --server or ASSAY_SERVER)", err)
	}
	return err
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
