// Command assay is Assay's one binary: the server (API and workers), each
// half alone for scaling out, and the challenge checker.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"syscall"
)

const usage = `assay: a hands-on coding assessment runner

Usage:
  assay serve   [flags]             API and workers in one process (single machine)
  assay api     [flags]             the HTTP API only
  assay worker  [flags]             a worker only (many may share one Redis)
  assay challenges check [--write] [--image IMG] DIR...
                                    validate challenge folders in the sandbox;
                                    --write records expected.json
  assay challenges new SLUG [--dir DIR]
                                    scaffold a working example challenge
                                    folder DIR/SLUG to edit
  assay challenges push [--server URL] [--token TOKEN] DIR
                                    publish a challenge folder to a server,
                                    which checks it first; exit 1 if refused
  assay submit --challenge SLUG [--server URL] [--token TOKEN] FILE...
                                    submit files, follow the run, print each
                                    test; exit 0 only when the verdict is passed
                                    (server: ASSAY_SERVER, default
                                    http://127.0.0.1:8080; token: ASSAY_TOKEN,
                                    else ASSAY_ADMIN_TOKEN)
  assay regrade --challenge SLUG | --assessment ID [--version V] [--no-wait]
                                    run finished submissions again (as copies)
                                    against the current or given version, wait,
                                    print the changed verdicts; exit 1 only if
                                    --timeout ends the wait
  assay regrade status [--wait] ID  one regrade's progress and changed verdicts
  assay regrade list                every regrade, oldest first
  assay bench [--runs N] [--batch N] [--runtimes runc,runsc]
                                    bare pytest and Assay side by side: latency
                                    and throughput ratios (make bench)
  assay help                        this text

Flags and environment (a flag wins over its variable):
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) && !reported(err) {
			fmt.Fprintln(os.Stderr, "assay:", err)
		}
		os.Exit(exitCode(err))
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		printHelp(stderr)
		return errors.New("name a command")
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "serve":
		return serve(ctx, cmd, modeServe, rest, getenv, stdout, stderr)
	case "api":
		return serve(ctx, cmd, modeAPI, rest, getenv, stdout, stderr)
	case "worker":
		return serve(ctx, cmd, modeWorker, rest, getenv, stdout, stderr)
	case "bench":
		return benchCommand(ctx, rest, getenv, stdout, stderr)
	case "submit":
		return advise(submitCommand(ctx, rest, getenv, stdout, stderr))
	case "regrade":
		return advise(regradeCommand(ctx, rest, getenv, stdout, stderr))
	case "challenges":
		if len(rest) > 0 && rest[0] == "new" {
			return newCommand(rest[1:], stdout, stderr)
		}
		if len(rest) > 0 && rest[0] == "push" {
			return advise(pushCommand(ctx, rest[1:], getenv, stdout, stderr))
		}
		if len(rest) == 0 || rest[0] != "check" {
			return errors.New("usage: assay challenges check [--write] DIR... | assay challenges new SLUG [--dir DIR] | assay challenges push DIR")
		}
		return checkCommand(ctx, rest[1:], getenv, stdout, stderr)
	case "help", "-h", "--help":
		printHelp(stdout)
		return nil
	default:
		printHelp(stderr)
		return fmt.Errorf("unknown command %q", cmd)
	}
}

func printHelp(w io.Writer) {
	fmt.Fprint(w, usage)
	helpSettings(w)
}

func serve(ctx context.Context, name string, m mode, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, rest, err := parseConfig(name, args, getenv, stderr)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return fmt.Errorf("%s takes no arguments, got %q", name, rest)
	}
	log := cfg.logger(stderr)
	app, err := NewApp(ctx, cfg, m, log)
	if err != nil {
		return err
	}
	defer app.Close()
	var ln net.Listener
	addr := cfg.Addr
	if !m.api {
		addr = cfg.MetricsAddr // a worker alone serves only probes and metrics, if asked
	}
	if addr != "" {
		ln, err = net.Listen("tcp", addr)
		if err != nil {
			return fmt.Errorf("listen: %w", err)
		}
		fmt.Fprintf(stdout, "assay %s listening on http://%s\n", name, ln.Addr())
	}
	log.Info("started", "mode", name, "worker", cfg.WorkerID, "workers", cfg.Workers)
	err = app.Run(ctx, ln)
	log.Info("stopped", "mode", name)
	return err
}
