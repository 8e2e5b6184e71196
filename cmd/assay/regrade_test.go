package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"assay/api/wire"
	"assay/internal/testenv"
	"assay/runner"
)

// TestRegradeEndToEnd regrades a challenge's submissions through the real
// server, Redis and Docker: the copies run in the sandbox, their results
// are recorded beside the originals', and progress reaches completion.
func TestRegradeEndToEnd(t *testing.T) {
	testenv.Parallel(t)
	app := startApp(t, "", nil)
	ch := mustChallenge(t, "decorators")
	ref := app.submit(t, ch.Slug, texts(ch.Reference))
	starter := app.submit(t, ch.Slug, texts(ch.Starter))
	want := map[string]runner.Verdict{}
	for _, id := range []string{ref, starter} {
		want[id] = app.result(t, id, 2*time.Minute).Result.Verdict
	}
	if want[ref] != runner.VerdictPassed || want[starter] == runner.VerdictPassed {
		t.Fatalf("originals: %v", want)
	}

	c := app.clientAs(t, testAdminToken)
	rg, err := c.CreateRegrade(context.Background(), wire.NewRegrade{Challenge: "decorators"})
	if err != nil || rg.Total != 2 {
		t.Fatalf("POST regrade: %+v %v", rg, err)
	}

	var got wire.RegradeView
	waitFor(t, 2*time.Minute, "regrade completed", func() bool {
		var err error
		got, err = c.RegradeItems(context.Background(), rg.ID, 1000)
		return err == nil && got.Progress.Completed
	})
	if got.Progress.Done != 2 || got.Progress.Changed != 0 || len(got.Items) != 2 {
		t.Fatalf("progress %+v, %d items", got.Progress, len(got.Items))
	}
	for _, it := range got.Items {
		if it.Verdict != want[it.Of] || it.PreviousVerdict != want[it.Of] || it.Version != ch.Version {
			t.Errorf("item %+v: want verdict %s again on version %s", it, want[it.Of], ch.Version)
		}
		st := app.result(t, it.ID, time.Minute)
		if st.Result.Regrade == nil || st.Result.Regrade.Of != it.Of || st.Result.Total != it.Total {
			t.Errorf("copy %s: result %+v", it.ID, st.Result)
		}
		if orig := app.result(t, it.Of, time.Minute); orig.Result.Verdict != want[it.Of] || orig.Result.Regrade != nil {
			t.Errorf("original %s changed: %+v", it.Of, orig.Result)
		}
	}

	// The command-line client against the same server: a second regrade
	// copies the two originals again (never the copies) and waits for it.
	env := func(k string) string {
		return map[string]string{"ASSAY_SERVER": app.base, "ASSAY_TOKEN": testAdminToken}[k]
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"regrade", "--challenge", "decorators", "--json", "--every", "200ms"}, env, &out, &errOut); err != nil {
		t.Fatalf("assay regrade: %v\n%s", err, errOut.String())
	}
	var cli wire.RegradeView
	if err := json.Unmarshal(out.Bytes(), &cli); err != nil {
		t.Fatalf("assay regrade --json: %v\n%s", err, out.String())
	}
	if !cli.Progress.Completed || cli.Total != 2 || len(cli.Items) != 2 || cli.ID == rg.ID {
		t.Fatalf("assay regrade: %+v", cli)
	}
	for _, it := range cli.Items {
		if it.Verdict != want[it.Of] {
			t.Errorf("CLI regrade item %+v: want verdict %s", it, want[it.Of])
		}
	}
	out.Reset()
	if err := run(ctx, []string{"regrade", "list"}, env, &out, &errOut); err != nil || !strings.Contains(out.String(), rg.ID) || !strings.Contains(out.String(), cli.ID) {
		t.Errorf("assay regrade list: %v\n%s", err, out.String())
	}
}
