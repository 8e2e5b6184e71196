package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/uuid"

	"assay/api"
	"assay/challenges"
	"assay/internal/testenv"
	"assay/runner"
)

// folderArchive packs files into a tar.gz under one folder named dir.
func folderArchive(t *testing.T, dir string, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for p, data := range files {
		if err := tw.WriteHeader(&tar.Header{Name: dir + "/" + p, Mode: 0o644, Typeflag: tar.TypeReg, Size: int64(len(data))}); err != nil {
			t.Fatal(err)
		}
		tw.Write(data)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	gz.Close()
	return buf.Bytes()
}

// publish uploads an archive as the admin and expects status.
func (a *testApp) publish(t *testing.T, archive []byte, status int) api.Published {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute) // the check runs every solution in the sandbox
	defer cancel()
	p, err := a.clientAs(t, testAdminToken).Publish(ctx, archive)
	if err != nil || p.Status != status || p.Published == nil {
		t.Fatalf("publish: %d %v %s; want %d", p.Status, err, p.Raw, status)
	}
	return *p.Published
}

// TestPublishScaffoldEndToEnd scaffolds a challenge, publishes it over
// HTTP to a real server (Redis, Docker), submits to it and gets verdicts.
func TestPublishScaffoldEndToEnd(t *testing.T) {
	testenv.Parallel(t)
	app := startApp(t, "", nil)
	files, err := challenges.Scaffold("word-count")
	if err != nil {
		t.Fatal(err)
	}
	delete(files, challenges.ExpectedFile) // the server records its own
	pub := app.publish(t, folderArchive(t, "word-count", files), http.StatusCreated)
	if !pub.Created || pub.Check.Tests != 4 || pub.Check.HiddenTests != 2 || len(pub.Check.Solutions) != 4+len(challenges.AdversarialSolutions()) {
		t.Fatalf("published: %+v", pub)
	}
	fsys := fstest.MapFS{}
	for p, data := range files {
		fsys["word-count/"+p] = &fstest.MapFile{Data: data}
	}
	ch, err := challenges.Load(fsys, "word-count")
	if err != nil || ch.Version != pub.Version {
		t.Fatalf("the server's version %s is not the folder's %v %v", pub.Version, ch, err)
	}
	good := app.submit(t, "word-count", texts(ch.Reference))
	bad := app.submit(t, "word-count", texts(ch.Bad["splits_on_spaces"]))
	if st := app.result(t, good, 2*time.Minute); st.Result.Verdict != runner.VerdictPassed || st.Result.ChallengeVersion != pub.Version {
		t.Fatalf("reference: %+v", st.Result)
	}
	if st := app.result(t, bad, 2*time.Minute); st.Result.Verdict != runner.VerdictFailed {
		t.Fatalf("known-bad: %+v", st.Result)
	}
}

// adder is a challenge whose v2 changes the contract: add(a, b) becomes
// add(*numbers), so v1's reference fails v2's tests.
func adder(v2 bool) map[string][]byte {
	files := map[string][]byte{
		"challenge.yaml":            []byte("slug: adder\ntitle: Adder\nfiles: [solution.py]\n"),
		"prompt.md":                 []byte("Write add(a, b)."),
		"starter/solution.py":       []byte("def add(a, b):\n    raise NotImplementedError\n"),
		"reference/solution.py":     []byte("def add(a, b):\n    return a + b\n"),
		"bad/minus/solution.py":     []byte("def add(a, b):\n    return a - b\n"),
		"tests/visible/test_add.py": []byte("from solution import add\n\n\ndef test_two():\n    assert add(1, 2) == 3\n"),
		"tests/hidden/test_add.py":  []byte("from solution import add\n\n\ndef test_floats():\n    assert add(0.5, 0.25) == 0.75\n"),
	}
	if v2 {
		files["prompt.md"] = []byte("Write add(*numbers).")
		files["starter/solution.py"] = []byte("def add(*numbers):\n    raise NotImplementedError\n")
		files["reference/solution.py"] = []byte("def add(*numbers):\n    return sum(numbers)\n")
		files["bad/minus/solution.py"] = []byte("def add(*numbers):\n    return -sum(numbers)\n")
		files["tests/hidden/test_add.py"] = []byte("from solution import add\n\n\ndef test_three():\n    assert add(1, 2, 3) == 6\n")
	}
	return files
}

// TestQueuedSubmissionKeepsItsVersion submits to v1 through an API-only
// process while no worker runs, publishes v2, and only then starts a
// worker: the queued submission runs against v1 and its result says so,
// while a new submission gets v2.
func TestQueuedSubmissionKeepsItsVersion(t *testing.T) {
	testenv.Parallel(t)
	image := testenv.Docker(t)
	redisURL := testenv.Redis(t)
	vars := map[string]string{
		"REDIS_URL": redisURL, "ASSAY_IMAGE": image, "ASSAY_ADDR": "127.0.0.1:0",
		"ASSAY_WORKERS": "2", "ASSAY_LEASE": "2s", "ASSAY_ADMIN_TOKEN": testAdminToken, "ASSAY_DRAIN_TIMEOUT": "2s",
		"ASSAY_WORKER_ID": "e2e-versions-" + uuid.NewString()[:8],
	}
	front := runApp(t, "api", modeAPI, vars) // it reaches Docker, so it can check uploads

	v1 := front.publish(t, folderArchive(t, "adder", adder(false)), http.StatusCreated)
	ref1 := map[string]string{"solution.py": string(adder(false)["reference/solution.py"])}
	ref2 := map[string]string{"solution.py": string(adder(true)["reference/solution.py"])}
	queuedV1 := front.submit(t, "adder", ref1)

	v2 := front.publish(t, folderArchive(t, "adder", adder(true)), http.StatusCreated)
	if v2.Previous != v1.Version || v2.Version == v1.Version {
		t.Fatalf("v2 %+v after v1 %s", v2, v1.Version)
	}
	oldCodeOnV2 := front.submit(t, "adder", ref1)
	newCodeOnV2 := front.submit(t, "adder", ref2)

	// Nothing has run yet: the queued submission still names v1.
	resp := getFull(t, front.base+"/api/v1/submissions/"+queuedV1)
	var st runner.State
	json.NewDecoder(resp.Body).Decode(&st)
	resp.Body.Close()
	if st.Status != runner.StatusQueued || st.Submission.ChallengeVersion != v1.Version {
		t.Fatalf("queued submission: %s %s; want queued on %s", st.Status, st.Submission.ChallengeVersion, v1.Version)
	}

	wv := map[string]string{}
	for k, v := range vars {
		wv[k] = v
	}
	wv["ASSAY_WORKER_ID"] += "-worker"
	runApp(t, "worker", modeWorker, wv)

	for _, c := range []struct {
		id      string
		verdict runner.Verdict
		version string
	}{
		{queuedV1, runner.VerdictPassed, v1.Version},    // graded against v1's tests, not v2's
		{oldCodeOnV2, runner.VerdictFailed, v2.Version}, // v1's code fails v2
		{newCodeOnV2, runner.VerdictPassed, v2.Version},
	} {
		st := front.result(t, c.id, 2*time.Minute)
		if st.Result.Verdict != c.verdict || st.Result.ChallengeVersion != c.version || st.Submission.ChallengeVersion != c.version {
			t.Errorf("%s: %s on %s (submitted for %s); want %s on %s: %s", c.id, st.Result.Verdict, st.Result.ChallengeVersion,
				st.Submission.ChallengeVersion, c.verdict, c.version, st.Result.Reason)
		}
	}

	resp = getFull(t, front.base+"/api/v1/challenges/adder/versions")
	var vs api.VersionsView
	json.NewDecoder(resp.Body).Decode(&vs)
	resp.Body.Close()
	if resp.StatusCode != 200 || vs.Current != v2.Version || len(vs.Versions) != 2 || vs.Versions[0].Version != v1.Version {
		t.Fatalf("versions: %d %+v", resp.StatusCode, vs)
	}
}
