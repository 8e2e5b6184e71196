package review

import (
	"cmp"
	"slices"
)

// Entry is one candidate's standing at a challenge: the score (0-100) of
// their best submission and its tests' outcomes.
type Entry struct {
	Candidate string
	Score     float64
	// Tests maps each test id the best submission reported to whether it
	// passed.
	Tests map[string]bool
}

// Bucket is one bar of a score histogram: scores in [From, To), the last
// bucket including 100.
type Bucket struct {
	From  float64 `json:"from"`
	To    float64 `json:"to"`
	Count int     `json:"count"`
}

// TestRate is one test's pass rate across the cohort.
type TestRate struct {
	ID     string  `json:"id"`
	Passed int     `json:"passed"`
	Ran    int     `json:"ran"`
	Rate   float64 `json:"rate"` // 0-1; 0 when it never ran
}

// Cohort is a challenge's statistics over the candidates who finished at
// least one submission.
type Cohort struct {
	N       int        `json:"n"`
	Mean    float64    `json:"mean"`
	Median  float64    `json:"median"`
	Buckets []Bucket   `json:"buckets"`
	Tests   []TestRate `json:"tests"` // the hardest (lowest rate) first
	scores  []float64  // sorted
}

// Summarize computes a cohort's statistics. tests, when given, are the
// challenge's expected test ids: every one gets a rate over the whole
// cohort, even one no candidate reported (a run that errored before it).
func Summarize(entries []Entry, tests []string) Cohort {
	c := Cohort{N: len(entries), Buckets: make([]Bucket, 10)}
	for i := range c.Buckets {
		c.Buckets[i] = Bucket{From: float64(i * 10), To: float64(i*10 + 10)}
	}
	rates := map[string]*TestRate{}
	order := []string{}
	add := func(id string) *TestRate {
		if r, ok := rates[id]; ok {
			return r
		}
		rates[id] = &TestRate{ID: id}
		order = append(order, id)
		return rates[id]
	}
	for _, id := range tests {
		add(id)
	}
	for _, e := range entries {
		s := min(max(e.Score, 0), 100)
		c.scores = append(c.scores, s)
		c.Mean += s
		c.Buckets[min(int(s/10), 9)].Count++
		for _, id := range tests {
			rates[id].Ran++
			if e.Tests[id] {
				rates[id].Passed++
			}
		}
		// Tests the challenge does not expect (a submission graded on
		// another version) count among the candidates who ran them.
		for id, ok := range e.Tests {
			if slices.Contains(tests, id) {
				continue
			}
			r := add(id)
			r.Ran++
			if ok {
				r.Passed++
			}
		}
	}
	slices.Sort(c.scores)
	if c.N > 0 {
		c.Mean /= float64(c.N)
		mid := c.N / 2
		c.Median = c.scores[mid]
		if c.N%2 == 0 {
			c.Median = (c.scores[mid-1] + c.scores[mid]) / 2
		}
	}
	for _, id := range order {
		r := rates[id]
		if r.Ran > 0 {
			r.Rate = float64(r.Passed) / float64(r.Ran)
		}
		c.Tests = append(c.Tests, *r)
	}
	slices.SortStableFunc(c.Tests, func(a, b TestRate) int {
		return cmp.Or(cmp.Compare(a.Rate, b.Rate), cmp.Compare(a.ID, b.ID))
	})
	return c
}

// Percentile is the percentile rank of score in the cohort: the share of
// candidates below it, counting those equal to it as half (so the best of
// ten distinct scores is 95, the only candidate 50). 0 when the cohort is
// empty.
func (c Cohort) Percentile(score float64) float64 {
	if len(c.scores) == 0 {
		return 0
	}
	below, _ := slices.BinarySearch(c.scores, score)
	equal := 0
	for i := below; i < len(c.scores) && c.scores[i] == score; i++ {
		equal++
	}
	return 100 * (float64(below) + float64(equal)/2) / float64(len(c.scores))
}
