package docker

import "testing"

// TestUIDs: uids come from the range, are unique among the live ones (a
// draw that hits a live uid draws again), and are free again once released.
func TestUIDs(t *testing.T) {
	u := newUIDs()
	seen := map[int]bool{}
	for range 1000 {
		uid, err := u.take()
		if err != nil {
			t.Fatal(err)
		}
		if uid < sandboxUIDFirst || uid >= sandboxUIDFirst+sandboxUIDCount || uid <= 65535 || uid >= 1<<31-1 {
			t.Fatalf("uid %d out of range", uid)
		}
		if seen[uid] {
			t.Fatalf("uid %d handed out twice", uid)
		}
		seen[uid] = true
	}

	// Draws that collide: 7, 7 (live), 9; then, 7 released, 7 again.
	u = newUIDs()
	draws := []int{7, 7, 9, 7}
	u.pick = func(n int) int {
		if n != sandboxUIDCount {
			t.Fatalf("pick(%d)", n)
		}
		d := draws[0]
		draws = draws[1:]
		return d
	}
	a, _ := u.take()
	b, _ := u.take()
	if a != sandboxUIDFirst+7 || b != sandboxUIDFirst+9 {
		t.Fatalf("took %d, %d; want %d, %d", a, b, sandboxUIDFirst+7, sandboxUIDFirst+9)
	}
	u.release(a)
	if c, _ := u.take(); c != a {
		t.Fatalf("took %d after releasing %d", c, a)
	}

	// Nothing but live uids drawn: an error, not a shared uid.
	u.pick = func(int) int { return 9 }
	if _, err := u.take(); err == nil {
		t.Fatal("a live uid was handed out again")
	}
	if got := userSpec(sandboxUIDFirst); got != "1879048192:1879048192" {
		t.Errorf("userSpec %q", got)
	}
}
