package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"assay/internal/testenv"
	"assay/runner"
	"assay/webhook"
)

// TestWebhookEndToEnd: a real server with ASSAY_WEBHOOK_URL announces a
// finished submission to a real receiver, signed, and staff can read the
// delivery record.
func TestWebhookEndToEnd(t *testing.T) {
	testenv.Parallel(t)
	const secret = "e2e-webhook-secret"
	var mu sync.Mutex
	var got []webhook.Payload
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := webhook.Verify(secret, r.Header.Get(webhook.SignatureHeader), body, time.Now(), 0); err != nil {
			t.Errorf("signature: %v", err)
		}
		var p webhook.Payload
		_ = json.Unmarshal(body, &p)
		mu.Lock()
		got = append(got, p)
		mu.Unlock()
	}))
	defer recv.Close()
	app := startApp(t, "", map[string]string{
		"ASSAY_CHALLENGES_DIR": tinyChallenge(t), "ASSAY_WEBHOOK_URL": recv.URL, "ASSAY_WEBHOOK_SECRET": secret,
		"ASSAY_PUBLIC_URL": "https://assay.example", "ASSAY_WEBHOOK_ALLOW_PRIVATE": "true", "ASSAY_WORKER_ID": "hook-" + uuid.NewString()[:8],
	})
	testenv.Docker(t)
	id := app.submit(t, "tiny", map[string]string{"solution.py": "def add(a, b):\n    return a + b\n"})
	if st := app.result(t, id, time.Minute); st.Result.Verdict != runner.VerdictPassed {
		t.Fatalf("verdict %s", st.Result.Verdict)
	}
	var ds struct {
		Deliveries []runner.Delivery `json:"deliveries"`
	}
	waitFor(t, 20*time.Second, "the webhook delivery record", func() bool {
		resp := getFull(t, app.base+"/api/v1/submissions/"+id+"/deliveries")
		defer resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("deliveries: %d", resp.StatusCode)
		}
		_ = json.NewDecoder(resp.Body).Decode(&ds)
		return len(ds.Deliveries) > 0
	})
	if d := ds.Deliveries[0]; !d.Delivered || d.URL != recv.URL || d.Status != 200 {
		t.Errorf("delivery %+v", d)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || got[0].SubmissionID != id || got[0].Verdict != runner.VerdictPassed || got[0].Challenge != "tiny" ||
		got[0].ReviewURL != "https://assay.example/review/submissions/"+id {
		t.Errorf("received %+v", got)
	}
}
