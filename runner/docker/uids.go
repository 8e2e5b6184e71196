package docker

import (
	"errors"
	"math/rand/v2"
	"strconv"
	"sync"
)

// Each sandbox container runs as a uid (and a gid, the same number) of its
// own, not the image's shared user. Without a user namespace (runc, as
// Assay runs it) a container's uid is the host's uid, and the kernel keeps
// some limits per uid, host-wide: inotify instances and watches
// (fs.inotify.max_user_instances, 128 by default, max_user_watches), POSIX
// message queue bytes (RLIMIT_MSGQUEUE), pending signals
// (RLIMIT_SIGPENDING), processes (RLIMIT_NPROC), epoll watches. With one
// uid for every sandbox, one submission could use up such a limit and make
// every other sandbox on the host fail (the harness needs inotify); with a
// uid per container, each uses up only its own. A uid's counts fall back to
// nothing when its container is removed, so a uid is free for reuse then.
//
// The alternative, the daemon's user-namespace remapping (userns-remap),
// maps every container's uids into one subordinate range: all sandboxes
// would still share a host uid, and it is daemon-wide configuration that
// changes other containers' file ownership and breaks things such as
// --privileged and host namespaces for everything else on the engine.
//
// Under gVisor (runsc) the candidate's uid is gVisor's, not the host's,
// so those limits are per container already; the harness still becomes the
// container's own uid there, so that both runtimes behave alike.
//
// The uids come from [sandboxUIDFirst, sandboxUIDFirst+sandboxUIDCount),
// 1879048192..2147352575 (0x70000000..0x7FFDFFFF): above the ranges that
// host accounts and tools use (system and login users below 65536,
// /etc/subuid ranges from 100000 up in blocks of 65536, systemd-nspawn's
// container range 524288..1879048191), below systemd's foreign-image range
// (0x7FFE0000..0x7FFEFFFF), and below 2^31, which some code takes for a
// negative number. A worker host must not map its own accounts into it
// (SSSD's automatic id mapping, 200000..2000200000 by default, does).
const (
	sandboxUIDFirst = 0x70000000
	sandboxUIDCount = 0x7FFE0000 - sandboxUIDFirst
)

// uids hands out the sandbox uids of one Sandbox's live containers: each
// random in the range, and unique among them. Other Sandboxes on the same
// engine (other workers) draw from the same 268 million independently, so
// a new container shares its uid with one of n others live on the host
// with probability n/2^28 (then the two share per-uid limits, as every
// container did before).
type uids struct {
	mu   sync.Mutex
	live map[int]bool
	// pick returns a random int in [0, n); tests replace it.
	pick func(n int) int
}

func newUIDs() *uids {
	return &uids{live: map[int]bool{}, pick: rand.IntN}
}

// errNoUID: every draw hit a live container's uid, which would take a
// vast number of live containers.
var errNoUID = errors.New("no free sandbox uid")

// take returns a uid no live container of this Sandbox has, and holds it
// until release.
func (u *uids) take() (int, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	for range 64 {
		uid := sandboxUIDFirst + u.pick(sandboxUIDCount)
		if !u.live[uid] {
			u.live[uid] = true
			return uid, nil
		}
	}
	return 0, errNoUID
}

// release frees a uid once its container is gone.
func (u *uids) release(uid int) {
	u.mu.Lock()
	defer u.mu.Unlock()
	delete(u.live, uid)
}

// userSpec is a uid as a container's "uid:gid" (the gid is the same number).
func userSpec(uid int) string {
	s := strconv.Itoa(uid)
	return s + ":" + s
}
