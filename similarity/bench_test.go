package similarity_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	goredis "github.com/redis/go-redis/v9"

	"assay/internal/testenv"
	"assay/similarity"
)

// synthetic writes a plausible solution of a few functions built from
// random statements, so that a cohort's fingerprints vary as real ones do
// (some idioms common to many, most rare).
func synthetic(r *rand.Rand) string {
	stmts := []string{
		"    for i in range(len(%s)):\n        %s += %s[i]\n",
		"    if %s is None:\n        return %s\n",
		"    while %s < %s:\n        %s = %s * 2\n",
		"    try:\n        %s = int(%s)\n    except ValueError:\n        %s = 0\n",
		"    %s = [x for x in %s if x > %s]\n",
		"    %s = {k: v for k, v in %s.items() if v != %s}\n",
		"    with open(%s) as f:\n        %s = f.read()\n",
		"    %s = sorted(%s, key=lambda t: t[%s])\n",
		"    if isinstance(%s, dict):\n        %s.update(%s)\n",
		"    %s.append((%s, %s))\n",
		"    return %s + %s - %s\n",
		"    %s = %s.get(%s, [])\n",
		"    assert %s, %s\n    %s = not %s\n",
	}
	names := []string{"a", "b", "c", "items", "total", "key", "value", "acc", "n", "result", "data", "seen"}
	var sb strings.Builder
	sb.WriteString("import functools\nimport time\n\n")
	for f := range 3 + r.IntN(3) {
		fmt.Fprintf(&sb, "def f%d(a, b, c):\n", f)
		for range 4 + r.IntN(6) {
			s := stmts[r.IntN(len(stmts))]
			args := make([]any, strings.Count(s, "%s"))
			for i := range args {
				args[i] = names[r.IntN(len(names))]
			}
			fmt.Fprintf(&sb, s, args...)
		}
		sb.WriteString("    return a\n\n")
	}
	return sb.String()
}

// benchIndex measures the time to fingerprint and index one new
// submission against a challenge that already has n (real Redis; the
// cohort is built before the clock starts).
func benchIndex(b *testing.B, n int, lex bool) {
	url := testenv.Redis(b)
	opts, err := goredis.ParseURL(url)
	if err != nil {
		b.Fatal(err)
	}
	rdb := goredis.NewClient(opts)
	defer rdb.Close()
	x, err := similarity.NewIndex(similarity.Config{Redis: rdb})
	if err != nil {
		b.Fatal(err)
	}
	pr := decorators(b).Prepare(similarity.DefaultParams)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(1, 2))
	add := func(id string) {
		files := map[string]string{"solution.py": synthetic(r)}
		a := pr.Analyze(files)
		if _, _, err := x.Add(ctx, similarity.Record{ID: id, Challenge: "bench", Author: id}, a); err != nil {
			b.Fatal(err)
		}
	}
	// The cohort: the synthetic grammar is small, so its files share far
	// more fingerprints than real solutions do, and most would soon be
	// dropped as common (which makes indexing cheaper, not dearer: 0.7 ms
	// at 10,000). Instead the old submissions reuse a pool of 500 real
	// analyses, each fingerprint kept as it is one time in four (idioms
	// shared across the cohort, filling postings to the bound) and made
	// unique otherwise.
	pool := make([]similarity.Analysis, min(n, 500))
	for i := range pool {
		pool[i] = pr.Analyze(map[string]string{"solution.py": synthetic(r)})
	}
	for i := range n {
		a := pool[i%len(pool)]
		fps := make([]similarity.Located, len(a.Fingerprints))
		for j, f := range a.Fingerprints {
			if f.Hash%4 != 0 {
				f.Hash ^= uint64(i+1) * 0x9e3779b97f4a7c15
			}
			fps[j] = f
		}
		id := fmt.Sprint("old", i)
		if _, _, err := x.Add(ctx, similarity.Record{ID: id, Challenge: "bench", Author: id}, similarity.Analysis{Fingerprints: fps}); err != nil {
			b.Fatal(err)
		}
	}
	if !lex {
		// Redis alone: the new submissions are analysed before the clock
		// starts (a pool of 200 fresh files, none indexed yet).
		fresh := make([]similarity.Analysis, 200)
		for i := range fresh {
			fresh[i] = pr.Analyze(map[string]string{"solution.py": synthetic(r)})
		}
		b.ResetTimer()
		for i := 0; b.Loop(); i++ {
			id := fmt.Sprint("new", i)
			if _, _, err := x.Add(ctx, similarity.Record{ID: id, Challenge: "bench", Author: id}, fresh[i%len(fresh)]); err != nil {
				b.Fatal(err)
			}
		}
		return
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		add(fmt.Sprint("new", i))
	}
}

// BenchmarkIndex1000 and BenchmarkIndex10000: a new submission, lexed,
// fingerprinted and indexed, against 1,000 and 10,000 indexed ones.
func BenchmarkIndex1000(b *testing.B)  { benchIndex(b, 1000, true) }
func BenchmarkIndex10000(b *testing.B) { benchIndex(b, 10000, true) }

// BenchmarkIndexRedis1000 and BenchmarkIndexRedis10000: the Redis step
// alone (Index.Add: one Lua script).
func BenchmarkIndexRedis1000(b *testing.B)  { benchIndex(b, 1000, false) }
func BenchmarkIndexRedis10000(b *testing.B) { benchIndex(b, 10000, false) }

// BenchmarkAnalyze is the part of indexing that needs no Redis.
func BenchmarkAnalyze(b *testing.B) {
	pr := decorators(b).Prepare(similarity.DefaultParams)
	files := map[string]string{"solution.py": synthetic(rand.New(rand.NewPCG(1, 2)))}
	for b.Loop() {
		pr.Analyze(files)
	}
}
