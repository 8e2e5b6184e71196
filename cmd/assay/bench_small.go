package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"assay/challenges"
	"assay/runner"
)

// smallBatch is the small-suite batch (#20): every corpus suite's
// reference and starter, bare and through Assay, and where Assay's CPU
// goes per submission.
type smallBatch struct {
	Suites      int     `json:"suites"`
	Runs        int     `json:"runs"`
	Parallelism int     `json:"parallelism"`
	BareSeconds float64 `json:"bare_seconds"`
	BarePerSec  float64 `json:"bare_per_second"`
	// BareCPUMS is pytest's own CPU per bare run (its rusage).
	BareCPUMS    float64  `json:"bare_cpu_ms_per_run"`
	AssaySeconds float64  `json:"assay_seconds"`
	AssayPerSec  float64  `json:"assay_per_second"`
	Ratio        float64  `json:"ratio"`
	AssayP50MS   float64  `json:"assay_p50_ms"`
	AssayP99MS   float64  `json:"assay_p99_ms"`
	Wrong        int      `json:"wrong_verdicts"` // a reference not passed, or a starter passed
	Split        cpuSplit `json:"cpu_ms_per_submission"`
}

// smallRun is one submission of the batch: a suite's reference (which
// must pass) or its starter (which must not).
type smallRun struct {
	ch       *challenges.Challenge
	files    map[string][]byte
	mustPass bool
}

// loadCorpus loads every suite of the small-suite corpus (bench/small/suites);
// a suite without its expected.json for its version is an error, since the
// server would not serve it.
func loadCorpus(dir string) ([]*challenges.Challenge, error) {
	list, err := challenges.LoadAll(os.DirFS(dir))
	if err != nil {
		return nil, fmt.Errorf("bench: corpus %s: %w", dir, err)
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("bench: corpus %s has no suite", dir)
	}
	for _, ch := range list {
		if !ch.Fresh() {
			return nil, fmt.Errorf("bench: corpus suite %s has no expected.json for its version (bench/small/record.sh)", ch.Slug)
		}
	}
	return list, nil
}

func corpusRuns(list []*challenges.Challenge) []smallRun {
	var runs []smallRun
	for _, ch := range list {
		runs = append(runs, smallRun{ch, ch.Reference, true}, smallRun{ch, ch.Starter, false})
	}
	return runs
}

// smallThroughput runs the corpus bare (as many at a time as the server
// has workers) and then through Assay (all submitted at once, as the
// mixed batch is), with the CPU split recorded around the Assay half.
func (s *benchServer) smallThroughput(ctx context.Context, python, work string, list []*challenges.Challenge, logs io.Writer) (*smallBatch, error) {
	runs := corpusRuns(list)
	b := &smallBatch{Suites: len(list), Runs: len(runs), Parallelism: s.workers}

	var mu sync.Mutex
	var cpuSum float64
	start := time.Now()
	jobs := make(chan int)
	errc := make(chan error, len(runs))
	var wg sync.WaitGroup
	for range s.workers {
		wg.Go(func() {
			for i := range jobs {
				r := runs[i]
				_, cpu, err := bareRun(ctx, python, work, r.ch, r.files, 5000+i, r.mustPass)
				if err != nil {
					errc <- err
					continue
				}
				mu.Lock()
				cpuSum += cpu
				mu.Unlock()
			}
		})
	}
	for i := range runs {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	b.BareSeconds = time.Since(start).Seconds()
	b.BarePerSec = float64(len(runs)) / b.BareSeconds
	b.BareCPUMS = 1000 * cpuSum / float64(len(runs))
	select {
	case err := <-errc:
		return nil, err
	default:
	}

	// The server is idle before the Assay half: its pool full and its
	// harnesses done importing, as the bare half started from nothing
	// running either.
	s.waitIdle(ctx, list[0])
	col, err := startSplit(ctx, s.app.cfg.WorkerID, logs)
	if err != nil {
		return nil, err
	}
	// Process accounting is machine-wide and its file grows with every
	// exit, and perf stat is attached to the daemons: neither may outlive
	// the bench, whatever ends it.
	defer col.close()
	start = time.Now()
	var lat []time.Duration
	var results []*runner.Result
	sem := make(chan struct{}, 32)
	for _, r := range runs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			d, res, err := s.submitResult(ctx, r.ch.Slug, r.files)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errc <- err
				return
			}
			if (res.Verdict == runner.VerdictPassed) != r.mustPass {
				b.Wrong++
			}
			lat = append(lat, d)
			results = append(results, res)
		}()
	}
	wg.Wait()
	b.AssaySeconds = time.Since(start).Seconds()
	b.AssayPerSec = float64(len(runs)) / b.AssaySeconds
	// The pool refills after the last run: the split's window ends when
	// it is full and its harnesses are idle, so each submission carries
	// one container's whole life, as in a steady stream.
	s.waitIdle(ctx, list[0])
	// The reference's timing runs were attached after each result was
	// read: read them again for the split (their share of the
	// containers' CPU is their own line).
	ids := make([]string, len(results))
	for i, r := range results {
		ids[i] = r.SubmissionID
	}
	states, err := s.app.broker.GetMany(ctx, ids)
	if err != nil {
		// (without them the timing runs' CPU would read as the phases')
		return nil, fmt.Errorf("read the results again for the CPU split: %w", err)
	}
	for i, r := range results {
		if st, ok := states[r.SubmissionID]; ok && st.Result != nil {
			results[i] = st.Result
		}
	}
	b.Split = col.finish(len(runs), results)
	select {
	case err := <-errc:
		return nil, err
	default:
	}
	l := latency("", lat, cpuUse{}, 0)
	b.AssayP50MS, b.AssayP99MS = l.P50MS, l.P99MS
	b.Ratio = b.AssayPerSec / b.BarePerSec
	return b, nil
}

func printSmall(w io.Writer, b *smallBatch) {
	fmt.Fprintf(w, "small suites, %d suites x (reference, starter) = %d runs, %d at a time: bare %.2f/s (%.1f s), assay %.2f/s (%.1f s): %.2f x bare (assay p50 %.0f ms, p99 %.0f ms, %d wrong verdicts)\n",
		b.Suites, b.Runs, b.Parallelism, b.BarePerSec, b.BareSeconds, b.AssayPerSec, b.AssaySeconds, b.Ratio, b.AssayP50MS, b.AssayP99MS, b.Wrong)
	sp := b.Split
	fmt.Fprintf(w, "cpu ms per small submission: bare pytest %.0f; assay %.0f in all:\n", b.BareCPUMS, sp.Total)
	for _, row := range sp.rows() {
		fmt.Fprintf(w, "  %-44s %7.1f\n", row.name, row.ms)
	}
	if sp.Perf {
		fmt.Fprintf(w, "  (runtime and storage by perf stat over containerd's and dockerd's new descendants, less the containers' cgroups; process accounting alone counts %.1f and %.1f ms)\n", sp.RuntimeAcct, sp.StorageAcct)
	}
	fmt.Fprintf(w, "  (process accounting samples each process's times at the tick: %.1f runtime and %.1f storage processes per submission, short ones read low)\n", sp.RuntimeProcs, sp.StorageProcs)
	if sp.Note != "" {
		fmt.Fprintf(w, "  (%s)\n", sp.Note)
	}
}
