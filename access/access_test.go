package access_test

import (
	"encoding/json"
	"testing"
	"time"

	"assay/access"
)

func TestDurationJSON(t *testing.T) {
	for in, want := range map[string]time.Duration{`"90m"`: 90 * time.Minute, `"1h30m"`: 90 * time.Minute, `5400`: 90 * time.Minute, `"0s"`: 0} {
		var d access.Duration
		if err := json.Unmarshal([]byte(in), &d); err != nil || time.Duration(d) != want {
			t.Errorf("%s: %v, %v; want %v", in, time.Duration(d), err, want)
		}
	}
	for _, bad := range []string{`"soon"`, `true`, `"5 minutes"`} {
		var d access.Duration
		if err := json.Unmarshal([]byte(bad), &d); err == nil {
			t.Errorf("%s was read as %v", bad, time.Duration(d))
		}
	}
	out, err := json.Marshal(access.Duration(90 * time.Minute))
	if err != nil || string(out) != `"1h30m0s"` {
		t.Errorf("marshal: %s %v", out, err)
	}
}

func TestTimedInvitationEnds(t *testing.T) {
	at := func(h, m int) time.Time { return time.Date(2030, 1, 1, h, m, 0, 0, time.UTC) }
	deadline := at(12, 0)
	inv := access.Invitation{Duration: access.Duration(time.Hour), Deadline: &deadline}
	if !inv.Timed() || !inv.WaitsForStart() || !inv.Ends().Equal(deadline) || inv.TimeIsOver(at(13, 0)) {
		t.Fatalf("before Start: ends %v", inv.Ends())
	}
	start := at(9, 0)
	inv.StartedAt = &start
	if inv.WaitsForStart() || !inv.Ends().Equal(at(10, 0)) || inv.Expired(at(10, 0)) || !inv.Expired(at(10, 1)) || !inv.TimeIsOver(at(10, 1)) {
		t.Errorf("started at 9: ends %v", inv.Ends())
	}
	inv.TimeMultiplier, inv.ExtraTime = 1.5, access.Duration(10*time.Minute)
	if !inv.Ends().Equal(at(10, 40)) {
		t.Errorf("1.5 times and 10 minutes: ends %v; want 10:40", inv.Ends())
	}
	late := at(11, 30)
	inv.StartedAt = &late
	if !inv.Ends().Equal(deadline) || inv.TimeIsOver(at(12, 1)) || !inv.Expired(at(12, 1)) {
		t.Errorf("the deadline first: ends %v", inv.Ends())
	}
	var untimed access.Invitation
	if untimed.Timed() || untimed.WaitsForStart() || untimed.Ends() != nil || untimed.Expired(at(23, 0)) {
		t.Error("an untimed invitation without a deadline has a clock")
	}
}
