package main

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"assay/runner"
	"assay/runner/docker"
)

// cpuSplit is where Assay's CPU goes per submission, in milliseconds
// (docs/PERFORMANCE.md, "Small suites"). Engine, runtime and storage are
// machine-wide processes: the share of our containers is taken (see
// splitCollector).
type cpuSplit struct {
	Engine        float64 `json:"engine"`         // dockerd, containerd
	Runtime       float64 `json:"runtime"`        // runc/runsc and the containerd shims
	Storage       float64 `json:"storage"`        // fuse-overlayfs and fusermount3 processes (overlay2 has none: its work is the kernel's, charged to the engine and the containers)
	HarnessImport float64 `json:"harness_import"` // the container's CPU before the request: runc init, the harness's start and preload
	Visible       float64 `json:"pytest_visible"` // the container's CPU after the request, by the phases' wall times
	Hidden        float64 `json:"pytest_hidden"`
	Reference     float64 `json:"reference_timing"` // the reference's timing run after the result (ASSAY_REFERENCE_TIMING), by its wall time
	Assay         float64 `json:"assay"`            // this process: API, workers, Docker client
	Total         float64 `json:"total"`
	// Containers is our containers created per submission (1 plus the
	// pool's spares); Machine counts every container that ended on the
	// engine in the window (other users' too), by their shims' exits.
	Containers float64 `json:"containers_per_submission"`
	Machine    int     `json:"machine_containers"`
	Acct       bool    `json:"process_accounting"`
	Perf       bool    `json:"perf"` // Runtime is from perf stat (else process accounting's lower bound)
	// RuntimeAcct and StorageAcct are process accounting's figures alone,
	// which read short processes low.
	RuntimeAcct float64 `json:"runtime_process_accounting"`
	StorageAcct float64 `json:"storage_process_accounting"`
	// RuntimeProcs and StorageProcs are the exited processes (per
	// submission) process accounting tied to the runtime and the storage
	// driver: acct(2) samples their times at the tick, so short ones read
	// low (runc's as nothing).
	RuntimeProcs float64 `json:"runtime_processes"`
	StorageProcs float64 `json:"storage_processes"`
	Note         string  `json:"note,omitempty"`
}

type splitRow struct {
	name string
	ms   float64
}

func (c cpuSplit) rows() []splitRow {
	return []splitRow{
		{"engine (dockerd, containerd)", c.Engine},
		{"runtime (runc, containerd shims)", c.Runtime},
		{"storage daemons (fuse-overlayfs, fusermount3)", c.Storage},
		{"harness start and preload (in the container)", c.HarnessImport},
		{"pytest, visible phase (in the container)", c.Visible},
		{"pytest, hidden phase (in the container)", c.Hidden},
		{"reference's timing run (in the container)", c.Reference},
		{"assay's process (API, workers)", c.Assay},
	}
}

// cgroupRoot is where cgroup v1 keeps the Docker containers' CPU
// accounting (the engine's cgroupfs driver).
const cgroupRoot = "/sys/fs/cgroup/cpuacct/docker"

// splitCollector measures a window of the bench. The runtime and the
// storage driver are counted by perf stat (startPerf), or by process
// accounting without it, as below. Containers are accounted by their cgroup (cpuacct.usage counts exited processes too), polled
// every 50 ms and told apart by our worker's label, read from the
// engine's container config on disk (no engine call, which would itself
// cost engine CPU). The runtime's and the storage driver's processes live
// outside any container cgroup and runc's last a few milliseconds, so they
// are taken from BSD process accounting (acct(2): one record per exited
// process, with its CPU), attributed to our containers by the shims' and
// fuse-overlayfs's command lines (container id, layer id) seen while they
// ran; records that cannot be attributed are shared in proportion to our
// containers among all that started in the window.
type splitCollector struct {
	worker   string
	logs     io.Writer
	acctPath string
	stop     chan struct{}
	done     chan struct{}
	start    cpuMark
	engine0  float64

	acctOnce sync.Once
	// perf stat on containerd and dockerd and the processes each starts
	// in the window; nil without perf.
	perf       map[string]*perfCount
	mu         sync.Mutex
	containers map[string]*ctrCPU // ours, by container id
	foreign    map[string]*ctrCPU // other users' containers, by id
	shims      map[int]bool       // pids of our containers' shims
	others     map[int]bool       // pids of other users' containers' shims
	fuses      map[int]bool       // pids of our containers' fuse-overlayfs
	seen       map[int]bool       // pids already classified
	layers     map[string]bool    // our containers' layer (mount) ids
}

type ctrCPU struct {
	base, last float64 // seconds: at first sight (0 when created in the window), last seen
	alive      bool
}

func startSplit(ctx context.Context, worker string, logs io.Writer) (*splitCollector, error) {
	c := &splitCollector{worker: worker, logs: logs, stop: make(chan struct{}), done: make(chan struct{}),
		containers: map[string]*ctrCPU{}, foreign: map[string]*ctrCPU{}, shims: map[int]bool{}, others: map[int]bool{}, fuses: map[int]bool{},
		seen: map[int]bool{}, layers: map[string]bool{}}
	// Containers that exist now (the warm pool) count from their current
	// CPU: their start-up happened before the window.
	c.poll(true)
	f, err := os.CreateTemp("", "assay-bench-acct-")
	if err != nil {
		return nil, fmt.Errorf("bench: process accounting file: %w", err)
	}
	f.Close()
	if err := syscall.Acct(f.Name()); err != nil {
		fmt.Fprintf(logs, "bench: process accounting unavailable (%v): runc's CPU is not counted\n", err)
		os.Remove(f.Name())
	} else {
		c.acctPath = f.Name()
	}
	c.start, c.engine0 = readCPU(), engineCPU()
	c.startPerf(ctx)
	go func() {
		defer close(c.done)
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-c.stop:
				return
			case <-t.C:
				c.poll(false)
			}
		}
	}()
	return c, nil
}

// perfCount is perf stat's task-clock over one daemon and every process
// it starts after the attach (perf's counters are inherited by children).
type perfCount struct {
	cmd  *exec.Cmd
	path string
	pid  string
	own  float64 // the daemon's own CPU seconds at the start
}

// startPerf counts containerd's descendants (the shims, runc, and the
// containers' processes, whose cgroups are subtracted) and dockerd's (the
// fuse-overlayfs mounts): exact where process accounting's per-process
// times, sampled at the tick, read short processes such as runc as
// nothing.
func (c *splitCollector) startPerf(ctx context.Context) {
	for _, name := range []string{"containerd", "dockerd"} {
		pids := pidsOf(name)
		if len(pids) != 1 {
			continue
		}
		f, err := os.CreateTemp("", "assay-bench-perf-")
		if err != nil {
			continue
		}
		f.Close()
		pc := &perfCount{path: f.Name(), pid: strconv.Itoa(pids[0])}
		pc.own = procCPU(pc.pid)
		pc.cmd = exec.CommandContext(ctx, "perf", "stat", "-x", ",", "-e", "task-clock", "-p", pc.pid, "-o", f.Name())
		if err := pc.cmd.Start(); err != nil {
			fmt.Fprintf(c.logs, "bench: perf stat unavailable (%v): runtime and storage are process accounting's\n", err)
			os.Remove(f.Name())
			return
		}
		if c.perf == nil {
			c.perf = map[string]*perfCount{}
		}
		c.perf[name] = pc
	}
	if c.perf != nil {
		time.Sleep(200 * time.Millisecond) // perf attaches
	}
}

// stopPerf ends perf stat on a daemon and returns the CPU seconds its new
// descendants used (the task-clock less the daemon's own); ok is false
// without a count.
func (c *splitCollector) stopPerf(name string) (float64, bool) {
	pc := c.perf[name]
	if pc == nil {
		return 0, false
	}
	delete(c.perf, name)
	defer os.Remove(pc.path)
	pc.cmd.Process.Signal(os.Interrupt)
	pc.cmd.Wait()
	own := procCPU(pc.pid) - pc.own
	b, err := os.ReadFile(pc.path)
	if err != nil {
		return 0, false
	}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Split(l, ",")
		if len(f) > 2 && strings.HasPrefix(f[2], "task-clock") {
			ms, err := strconv.ParseFloat(f[0], 64)
			return math.Max(0, ms/1000-own), err == nil
		}
	}
	return 0, false
}

// acctOff stops process accounting (acct(2) with a null path).
func acctOff() error {
	if _, _, e := syscall.Syscall(syscall.SYS_ACCT, 0, 0, 0); e != 0 {
		return e
	}
	return nil
}

// close ends perf stat and process accounting and removes their files,
// once; finish has read them by then, or the bench is ending early.
func (c *splitCollector) close() {
	for name := range c.perf {
		c.stopPerf(name)
	}
	c.acctStop()
}

// acctStop turns process accounting off and removes its file, once.
func (c *splitCollector) acctStop() {
	c.acctOnce.Do(func() {
		if c.acctPath == "" {
			return
		}
		if err := acctOff(); err != nil {
			fmt.Fprintf(c.logs, "bench: stop process accounting: %v\n", err)
		}
		os.Remove(c.acctPath)
	})
}

// poll reads our containers' cgroups and notes new shim and
// fuse-overlayfs processes.
func (c *splitCollector) poll(first bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ids, _ := os.ReadDir(cgroupRoot)
	alive := map[string]bool{}
	for _, e := range ids {
		id := e.Name()
		if !e.IsDir() {
			continue
		}
		ctr := c.containers[id]
		if ctr == nil {
			ctr = c.foreign[id]
		}
		if ctr == nil {
			ctr = &ctrCPU{}
			if !c.ours(id) {
				c.foreign[id] = ctr
			} else {
				c.containers[id] = ctr
				if b, err := os.ReadFile("/var/lib/docker/image/fuse-overlayfs/layerdb/mounts/" + id + "/mount-id"); err == nil {
					c.layers[strings.TrimSpace(string(b))] = true
				}
			}
		}
		b, err := os.ReadFile(filepath.Join(cgroupRoot, id, "cpuacct.usage"))
		if err != nil {
			continue
		}
		ns, _ := strconv.ParseFloat(strings.TrimSpace(string(b)), 64)
		ctr.last = math.Max(ctr.last, ns/1e9)
		if first {
			ctr.base = ctr.last
		}
		alive[id] = true
	}
	for id, ctr := range c.containers {
		ctr.alive = alive[id]
	}

	procs, _ := os.ReadDir("/proc")
	for _, p := range procs {
		pid, err := strconv.Atoi(p.Name())
		if err != nil || c.seen[pid] {
			continue
		}
		c.seen[pid] = true
		comm, _ := os.ReadFile("/proc/" + p.Name() + "/comm")
		name := strings.TrimSpace(string(comm))
		if name != "containerd-shim" && name != "fuse-overlayfs" {
			continue
		}
		cmdline, _ := os.ReadFile("/proc/" + p.Name() + "/cmdline")
		args := strings.Split(string(cmdline), "\x00")
		switch name {
		case "containerd-shim":
			for i, a := range args {
				if a == "-id" && i+1 < len(args) {
					if c.containers[args[i+1]] != nil {
						c.shims[pid] = true
					} else {
						c.others[pid] = true
					}
				}
			}
		case "fuse-overlayfs":
			for layer := range c.layers {
				if strings.Contains(string(cmdline), layer) {
					c.fuses[pid] = true
				}
			}
		}
	}
}

// ours says whether a container is this bench server's, by its worker
// label.
func (c *splitCollector) ours(id string) bool {
	b, err := os.ReadFile("/var/lib/docker/containers/" + id + "/config.v2.json")
	if err != nil {
		return false
	}
	var cfg struct {
		Config struct {
			Labels map[string]string
		}
	}
	return json.Unmarshal(b, &cfg) == nil && cfg.Config.Labels[docker.LabelWorker] == c.worker
}

// engineCPU is dockerd's and containerd's CPU seconds so far.
func engineCPU() float64 {
	var s float64
	procs, _ := os.ReadDir("/proc")
	for _, p := range procs {
		if _, err := strconv.Atoi(p.Name()); err != nil {
			continue
		}
		comm, _ := os.ReadFile("/proc/" + p.Name() + "/comm")
		switch strings.TrimSpace(string(comm)) {
		case "dockerd", "containerd":
			s += procCPU(p.Name())
		}
	}
	return s
}

// acctRecord is one record of acct(2)'s version 3 format (64 bytes).
type acctRecord struct {
	pid, ppid int
	cpu       float64 // seconds, user and system
	comm      string
}

// readAcct parses a process accounting file. CPU times are comp_t (13
// bits of mantissa, 3 of base-8 exponent) in ticks of 1/100 s: each
// record's times are truncated to 10 ms, so short processes read low.
func readAcct(path string) ([]acctRecord, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("bench: read process accounting: %w", err)
	}
	comp := func(v uint16) float64 { return float64(uint64(v&0x1fff)<<(3*(v>>13))) / 100 }
	var out []acctRecord
	for len(b) >= 64 {
		r := b[:64]
		b = b[64:]
		if r[1]&0x0f != 3 {
			return nil, errors.New("bench: process accounting records are not version 3")
		}
		le := binary.LittleEndian
		out = append(out, acctRecord{
			pid: int(le.Uint32(r[16:])), ppid: int(le.Uint32(r[20:])),
			cpu:  comp(le.Uint16(r[32:])) + comp(le.Uint16(r[34:])),
			comm: strings.TrimRight(string(r[48:64]), "\x00"),
		})
	}
	return out, nil
}

// finish ends the window and splits its CPU over n submissions, with the
// phases' wall times from their results.
func (c *splitCollector) finish(n int, results []*runner.Result) cpuSplit {
	close(c.stop)
	<-c.done
	c.poll(false)
	perfRuntime, perfOK := c.stopPerf("containerd")
	perfStorage, perfStorageOK := c.stopPerf("dockerd")
	use := c.start.since()
	engine := engineCPU() - c.engine0
	var recs []acctRecord
	sp := cpuSplit{}
	if c.acctPath != "" {
		if err := acctOff(); err != nil {
			fmt.Fprintf(c.logs, "bench: stop process accounting: %v\n", err)
		}
		var err error
		recs, err = readAcct(c.acctPath)
		c.acctStop()
		if err != nil {
			fmt.Fprintf(c.logs, "%v\n", err)
		}
		sp.Acct = err == nil
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	var created, inCtr float64
	var idle []float64
	for _, ctr := range c.containers {
		inCtr += ctr.last - ctr.base
		if ctr.base == 0 {
			created++
		}
		if ctr.alive {
			idle = append(idle, ctr.last)
		}
	}
	// Each container has one long-lived shim, which exits after the
	// container's removal: counting their exits counts the containers
	// that ended on the engine in the window, ours and others'. containerd
	// also runs the shim's binary twice per container for a moment (start,
	// then delete): those are runtime CPU, not containers.
	containerd := 0
	for _, p := range pidsOf("containerd") {
		containerd = p
	}
	var runtime, storage, sharedRuntime, sharedStorage, rtProcs, stProcs, sharedRt, sharedSt float64
	for _, r := range recs {
		switch {
		case r.comm == "containerd-shim" && r.ppid == containerd:
			sharedRuntime += r.cpu
			sharedRt++
		case r.comm == "containerd-shim" || strings.HasPrefix(r.comm, "runc") || strings.HasPrefix(r.comm, "runsc"):
			if r.comm == "containerd-shim" {
				sp.Machine++
			}
			if c.shims[r.pid] || c.shims[r.ppid] {
				runtime += r.cpu
				rtProcs++
			} else if !c.others[r.pid] && !c.others[r.ppid] {
				sharedRuntime += r.cpu
				sharedRt++
			}
		case r.comm == "fuse-overlayfs" || r.comm == "fusermount3":
			if c.fuses[r.pid] {
				storage += r.cpu
				stProcs++
			} else {
				sharedStorage += r.cpu
				sharedSt++
			}
		}
	}
	share := 1.0
	if sp.Machine > 0 {
		share = math.Min(1, created/float64(sp.Machine))
	}
	f := 1000 / float64(max(n, 1))
	sp.Engine = engine * share * f
	sp.Runtime = (runtime + sharedRuntime*share) * f
	sp.RuntimeAcct = sp.Runtime
	if perfOK {
		// Every container created in the window is a descendant of
		// containerd: what perf counted beyond containerd itself and
		// their cgroups is the shims' and runc's.
		var born float64
		for _, m := range []map[string]*ctrCPU{c.containers, c.foreign} {
			for _, ctr := range m {
				if ctr.base == 0 {
					born += ctr.last
				}
			}
		}
		sp.Runtime = math.Max(0, perfRuntime-born) * share * f
		sp.Perf = true
	}
	sp.Storage = (storage + sharedStorage*share) * f
	sp.StorageAcct = sp.Storage
	if perfStorageOK {
		// dockerd's new descendants are the storage driver's processes.
		sp.Storage = perfStorage * share * f
	}
	sp.Assay = use.Assay * f
	sp.RuntimeProcs = (rtProcs + sharedRt*share) / float64(max(n, 1))
	sp.StorageProcs = (stProcs + sharedSt*share) / float64(max(n, 1))
	sp.Containers = created / float64(max(n, 1))
	// The pool's idle containers have done nothing but start: their CPU is
	// one container's start-up and preload.
	var preload float64
	for _, v := range idle {
		preload += v / float64(len(idle))
	}
	sp.HarnessImport = preload * created * f
	run := math.Max(0, inCtr*f-sp.HarnessImport)
	sp.Visible, sp.Hidden, sp.Reference = byWallTime(run, results)
	sp.Total = sp.Engine + sp.Runtime + sp.Storage + sp.HarnessImport + sp.Visible + sp.Hidden + sp.Reference + sp.Assay
	notes := []string{fmt.Sprintf("%d of the %d containers that ended on the engine in the window were ours: the machine-wide engine, runtime and storage CPU is shared in that proportion where a process could not be tied to a container", int(created), sp.Machine)}
	if !sp.Acct {
		notes = append(notes, "no process accounting: runtime and storage are missing")
	}
	if len(idle) == 0 {
		notes = append(notes, "no idle pooled container at the end: the harness's start-up is folded into the phases")
	}
	sp.Note = strings.Join(notes, "; ")
	return sp
}

func pidsOf(name string) []int {
	var out []int
	procs, _ := os.ReadDir("/proc")
	for _, p := range procs {
		pid, err := strconv.Atoi(p.Name())
		if err != nil {
			continue
		}
		if comm, _ := os.ReadFile("/proc/" + p.Name() + "/comm"); strings.TrimSpace(string(comm)) == name {
			out = append(out, pid)
		}
	}
	return out
}

// byWallTime splits run (the containers' CPU after their requests) among
// the visible phases, the hidden phases and the reference's timing runs
// in proportion to their wall times: the harness reports no CPU per
// phase. A result's RunMS covers both phases, VisibleRunMS the first.
func byWallTime(run float64, results []*runner.Result) (visible, hidden, reference float64) {
	var vis, hid, ref float64
	for _, r := range results {
		vis += float64(r.VisibleRunMS)
		hid += float64(max(0, r.RunMS-r.VisibleRunMS))
		if r.Reference != nil {
			ref += float64(r.Reference.RunMS)
		}
	}
	all := vis + hid + ref
	if all <= 0 {
		return 0, 0, 0
	}
	return run * vis / all, run * hid / all, run * ref / all
}
