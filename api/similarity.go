package api

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"

	"assay/access"
	"assay/challenges"
	"assay/runner"
	"assay/similarity"
)

// Similarity is the cohort's similarity index (package similarity) as
// staff read it. It informs interviewers; it never changes a verdict.
type Similarity interface {
	Records(ctx context.Context, ids []string) (map[string]similarity.Record, error)
	Similar(ctx context.Context, id string) ([]similarity.Match, error)
	SimilarAll(ctx context.Context, ids []string) (map[string][]similarity.Match, error)
	Threshold() float64
	Params() similarity.Params
}

// versionedCatalog finds any stored version of a challenge (the Library
// does), so a pair is highlighted against the scaffolding of the version
// it was made for; without it, the current version's is used.
type versionedCatalog interface {
	Challenge(ctx context.Context, slug, version string) (*challenges.Challenge, error)
}

// Measure says how a pair's score is computed, for readers of the API.
const similarityMeasure = "shared fingerprints / fingerprints of the smaller submission (scaffolding removed)"

func (s *server) similarityRoutes(r *gin.Engine, v1 *gin.RouterGroup) {
	v1.GET("/assessments/:id/similarity", s.allow(staff...), s.assessmentSimilarity)
	v1.GET("/submissions/:id/similar", s.allow(staff...), s.submissionSimilar)
	r.GET("/review/assessments/:id/similarity", s.page(staff...), s.similarityPage)
	r.GET("/review/similarity/:a/:b", s.page(staff...), s.similarityPairPage)
}

func (s *server) similarity() (Similarity, error) {
	if s.cfg.Similarity == nil {
		return nil, errorf(http.StatusNotImplemented, "this server computes no similarity")
	}
	return s.cfg.Similarity, nil
}

// SimilaritySide is one submission of a pair, or of a list.
type SimilaritySide struct {
	Submission string `json:"submission"`
	Challenge  string `json:"challenge"`
	Invitation string `json:"invitation,omitempty"`
	Candidate  string `json:"candidate,omitempty"`
	// Assessment is the invitation's assessment: a pair may cross two.
	Assessment   string  `json:"assessment,omitempty"`
	Fingerprints int     `json:"fingerprints"`
	Reference    float64 `json:"reference"`
}

// SimilarityPair is two submissions of different candidates at or above
// the threshold.
type SimilarityPair struct {
	Challenge string         `json:"challenge"`
	A         SimilaritySide `json:"a"`
	B         SimilaritySide `json:"b"`
	Score     float64        `json:"score"`
}

// SimilarityCluster is three or more submissions linked by pairs.
type SimilarityCluster struct {
	Challenge   string   `json:"challenge"`
	Submissions []string `json:"submissions"`
}

// SimilarityReport is GET /api/v1/assessments/{id}/similarity: the
// pairs with at least one side in the assessment, their clusters, and
// each of its indexed submissions with its similarity to the reference.
type SimilarityReport struct {
	Assessment  string              `json:"assessment"`
	Threshold   float64             `json:"threshold"`
	Measure     string              `json:"measure"`
	Submissions []SimilaritySide    `json:"submissions"`
	Pairs       []SimilarityPair    `json:"pairs"`
	Clusters    []SimilarityCluster `json:"clusters"`
	// Pending counts the assessment's submissions not indexed yet (or
	// never: staff's own).
	Pending int `json:"pending"`
}

// SimilarView is GET /api/v1/submissions/{id}/similar.
type SimilarView struct {
	Submission string           `json:"submission"`
	Indexed    bool             `json:"indexed"`
	Threshold  float64          `json:"threshold"`
	Measure    string           `json:"measure"`
	Reference  float64          `json:"reference"`
	Similar    []SimilarityPair `json:"similar"`
}

// sides describes indexed submissions, looking up their candidates
// (each invitation once).
type sides struct {
	s    *server
	invs map[string]access.Invitation
}

func (sd *sides) of(ctx context.Context, rec similarity.Record) (SimilaritySide, error) {
	side := SimilaritySide{Submission: rec.ID, Challenge: rec.Challenge, Fingerprints: rec.Fingerprints, Reference: rec.Reference}
	if rec.Author == "" || strings.HasPrefix(rec.Author, "submission:") {
		return side, nil
	}
	inv, ok := sd.invs[rec.Author]
	if !ok {
		acc, err := sd.s.accounts()
		if err != nil {
			return side, err
		}
		inv, err = acc.Invitation(ctx, rec.Author)
		if err != nil && !errors.Is(err, runner.ErrNotFound) {
			return side, unavailable(err)
		}
		sd.invs[rec.Author] = inv
	}
	side.Invitation, side.Candidate, side.Assessment = rec.Author, inv.Candidate, inv.Assessment
	return side, nil
}

func (s *server) similarityReport(ctx context.Context, id string) (SimilarityReport, error) {
	sim, err := s.similarity()
	if err != nil {
		return SimilarityReport{}, err
	}
	rep, err := s.assessmentReport(ctx, id)
	if err != nil {
		return SimilarityReport{}, err
	}
	out := SimilarityReport{Assessment: id, Threshold: sim.Threshold(), Measure: similarityMeasure,
		Submissions: []SimilaritySide{}, Pairs: []SimilarityPair{}, Clusters: []SimilarityCluster{}}
	var ids []string
	for _, cand := range rep.Candidates {
		for _, sub := range cand.Submissions {
			if sub.Mode != runner.ModeRun {
				ids = append(ids, sub.ID)
			}
		}
	}
	recs, err := sim.Records(ctx, ids)
	if err != nil {
		return out, unavailable(err)
	}
	sd := &sides{s: s, invs: map[string]access.Invitation{}}
	for _, cand := range rep.Candidates {
		sd.invs[cand.Invitation.ID] = cand.Invitation
	}
	similar, err := sim.SimilarAll(ctx, ids)
	if err != nil {
		return out, unavailable(err)
	}
	seen := map[[2]string]bool{}
	var others []string
	for _, id := range ids {
		rec, ok := recs[id]
		if !ok {
			out.Pending++
			continue
		}
		side, err := sd.of(ctx, rec)
		if err != nil {
			return out, err
		}
		out.Submissions = append(out.Submissions, side)
		for _, m := range similar[id] {
			key := [2]string{min(id, m.ID), max(id, m.ID)}
			if seen[key] {
				continue
			}
			seen[key] = true
			out.Pairs = append(out.Pairs, SimilarityPair{Challenge: rec.Challenge, A: side, B: SimilaritySide{Submission: m.ID}, Score: m.Score})
			if _, ok := recs[m.ID]; !ok {
				others = append(others, m.ID)
			}
		}
	}
	// The other side of a pair may be in another assessment.
	more, err := sim.Records(ctx, others)
	if err != nil {
		return out, unavailable(err)
	}
	for i := range out.Pairs {
		rec, ok := recs[out.Pairs[i].B.Submission]
		if !ok {
			rec, ok = more[out.Pairs[i].B.Submission]
		}
		if ok {
			if out.Pairs[i].B, err = sd.of(ctx, rec); err != nil {
				return out, err
			}
		}
	}
	sort.SliceStable(out.Pairs, func(i, j int) bool { return out.Pairs[i].Score > out.Pairs[j].Score })
	sort.SliceStable(out.Submissions, func(i, j int) bool { return out.Submissions[i].Reference > out.Submissions[j].Reference })
	out.Clusters = clusters(out.Pairs)
	return out, nil
}

// clusters returns the connected components of three or more submissions
// over the pairs (each component is one challenge's: pairs never cross
// challenges), largest first.
func clusters(pairs []SimilarityPair) []SimilarityCluster {
	parent := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		if p, ok := parent[x]; ok && p != x {
			parent[x] = find(p)
			return parent[x]
		}
		parent[x] = x
		return x
	}
	challenge := map[string]string{}
	for _, p := range pairs {
		a, b := find(p.A.Submission), find(p.B.Submission)
		parent[a] = b
		challenge[p.A.Submission], challenge[p.B.Submission] = p.Challenge, p.Challenge
	}
	groups := map[string][]string{}
	for x := range parent {
		r := find(x)
		groups[r] = append(groups[r], x)
	}
	out := []SimilarityCluster{}
	for _, g := range groups {
		if len(g) >= 3 {
			slices.Sort(g)
			out = append(out, SimilarityCluster{Challenge: challenge[g[0]], Submissions: g})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if len(out[i].Submissions) != len(out[j].Submissions) {
			return len(out[i].Submissions) > len(out[j].Submissions)
		}
		return out[i].Submissions[0] < out[j].Submissions[0]
	})
	return out
}

func (s *server) assessmentSimilarity(c *gin.Context) {
	rep, err := s.similarityReport(c.Request.Context(), c.Param("id"))
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	c.JSON(http.StatusOK, rep)
}

func (s *server) similarOf(ctx context.Context, id string) (SimilarView, error) {
	sim, err := s.similarity()
	if err != nil {
		return SimilarView{}, err
	}
	if _, err := s.cfg.Submissions.Get(ctx, id); err != nil {
		return SimilarView{}, unavailable(err)
	}
	out := SimilarView{Submission: id, Threshold: sim.Threshold(), Measure: similarityMeasure, Similar: []SimilarityPair{}}
	recs, err := sim.Records(ctx, []string{id})
	if err != nil {
		return out, unavailable(err)
	}
	rec, ok := recs[id]
	if !ok {
		return out, nil
	}
	out.Indexed, out.Reference = true, rec.Reference
	sd := &sides{s: s, invs: map[string]access.Invitation{}}
	self, err := sd.of(ctx, rec)
	if err != nil {
		return out, err
	}
	ms, err := sim.Similar(ctx, id)
	if err != nil {
		return out, unavailable(err)
	}
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	others, err := sim.Records(ctx, ids)
	if err != nil {
		return out, unavailable(err)
	}
	for _, m := range ms {
		other := SimilaritySide{Submission: m.ID}
		if r, ok := others[m.ID]; ok {
			if other, err = sd.of(ctx, r); err != nil {
				return out, err
			}
		}
		out.Similar = append(out.Similar, SimilarityPair{Challenge: rec.Challenge, A: self, B: other, Score: m.Score})
	}
	return out, nil
}

func (s *server) submissionSimilar(c *gin.Context) {
	v, err := s.similarOf(c.Request.Context(), c.Param("id"))
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

// similarityPageView is the data of the assessment's similarity page.
type similarityPageView struct {
	Title      string
	Principal  access.Principal
	Assessment access.Assessment
	Report     SimilarityReport
	Flagged    []SimilaritySide // similarity to the reference at or above the threshold
}

func (s *server) similarityPage(c *gin.Context) {
	ctx := c.Request.Context()
	acc, err := s.accounts()
	if err != nil {
		s.errorPage(c, err)
		return
	}
	a, err := acc.Assessment(ctx, c.Param("id"))
	if err != nil {
		s.errorPage(c, unavailable(err))
		return
	}
	rep, err := s.similarityReport(ctx, a.ID)
	if err != nil {
		s.errorPage(c, err)
		return
	}
	v := similarityPageView{Title: "Similarity · " + a.Name, Principal: principalOf(c), Assessment: a, Report: rep}
	for _, sub := range rep.Submissions {
		if sub.Reference >= rep.Threshold {
			v.Flagged = append(v.Flagged, sub)
		}
	}
	s.render(c, http.StatusOK, "similarity", v)
}

// markedLine is one line of source, cut where matches start and end.
type markedLine struct {
	N    int
	Segs []markedSeg
}

type markedSeg struct {
	Text string
	Mark bool
}

// markedFile is one file of a pair's side.
type markedFile struct {
	Name   string
	Lines  []markedLine
	Marked int // bytes highlighted
}

type pairSide struct {
	Side  SimilaritySide
	Files []markedFile
}

type similarityPairView struct {
	Title     string
	Principal access.Principal
	Challenge string
	Score     float64 // as computed now, from the two sources
	Stored    float64 // as the index recorded it (0: not a stored pair)
	Threshold float64
	A, B      pairSide
}

// similarityPairPage shows two submissions side by side with the
// stretches they share (scaffolding excluded) highlighted.
func (s *server) similarityPairPage(c *gin.Context) {
	v, err := s.pairOf(c.Request.Context(), c.Param("a"), c.Param("b"))
	if err != nil {
		s.errorPage(c, err)
		return
	}
	v.Principal = principalOf(c)
	s.render(c, http.StatusOK, "similarity_pair", v)
}

func (s *server) pairOf(ctx context.Context, a, b string) (similarityPairView, error) {
	var v similarityPairView
	sim, err := s.similarity()
	if err != nil {
		return v, err
	}
	if a == b {
		return v, errorf(http.StatusBadRequest, "a submission is not compared with itself")
	}
	sa, err := s.cfg.Submissions.Get(ctx, a)
	if err != nil {
		return v, unavailable(err)
	}
	sb, err := s.cfg.Submissions.Get(ctx, b)
	if err != nil {
		return v, unavailable(err)
	}
	if sa.Submission.Challenge != sb.Submission.Challenge {
		return v, errorf(http.StatusBadRequest, "%s and %s are submissions of different challenges", a, b)
	}
	sc, err := s.scaffoldOf(ctx, sa.Submission)
	if err != nil {
		return v, err
	}
	p := sim.Params()
	inA, inB := similarity.Matches(sa.Submission.Files, sb.Submission.Files, sc, p)
	pr := sc.Prepare(p)
	v.Score = similarity.Score(similarity.Hashes(pr.Analyze(sa.Submission.Files).Fingerprints), similarity.Hashes(pr.Analyze(sb.Submission.Files).Fingerprints))
	v.Challenge, v.Threshold = sa.Submission.Challenge, sim.Threshold()
	v.Title = "Similarity · " + v.Challenge
	ms, err := sim.Similar(ctx, a)
	if err != nil {
		return v, unavailable(err)
	}
	for _, m := range ms {
		if m.ID == b {
			v.Stored = m.Score
		}
	}
	recs, err := sim.Records(ctx, []string{a, b})
	if err != nil {
		return v, unavailable(err)
	}
	sd := &sides{s: s, invs: map[string]access.Invitation{}}
	for _, side := range []struct {
		st    runner.State
		spans []similarity.Span
		out   *pairSide
	}{{sa, inA, &v.A}, {sb, inB, &v.B}} {
		id := side.st.Submission.ID
		side.out.Side = SimilaritySide{Submission: id, Challenge: v.Challenge}
		if rec, ok := recs[id]; ok {
			if side.out.Side, err = sd.of(ctx, rec); err != nil {
				return v, err
			}
		} else if inv := side.st.Submission.Invitation; inv != "" {
			if side.out.Side, err = sd.of(ctx, similarity.Record{ID: id, Challenge: v.Challenge, Author: inv}); err != nil {
				return v, err
			}
		}
		side.out.Files = markFiles(side.st.Submission.Files, side.spans)
	}
	return v, nil
}

// scaffoldOf returns the scaffolding of the submission's challenge
// version (the current one when that version is not to be found).
func (s *server) scaffoldOf(ctx context.Context, sub runner.Submission) (similarity.Scaffold, error) {
	var ch *challenges.Challenge
	if vc, ok := s.cfg.Catalog.(versionedCatalog); ok {
		if c, err := vc.Challenge(ctx, sub.Challenge, sub.ChallengeVersion); err == nil {
			ch = c
		}
	}
	if ch == nil {
		c, err := s.cfg.Catalog.Get(sub.Challenge)
		if err != nil {
			return similarity.Scaffold{}, fmt.Errorf("challenge %s: %w", sub.Challenge, err)
		}
		ch = c
	}
	return ScaffoldOf(ch), nil
}

// ScaffoldOf is a challenge's scaffolding as package similarity takes it.
func ScaffoldOf(ch *challenges.Challenge) similarity.Scaffold {
	str := func(m map[string][]byte) map[string]string {
		out := make(map[string]string, len(m))
		for k, v := range m {
			out[k] = string(v)
		}
		return out
	}
	return similarity.Scaffold{Starter: str(ch.Starter), Lib: str(ch.Lib), Reference: str(ch.Reference)}
}

// markFiles cuts each file into lines and each line into marked and
// unmarked pieces (spans are byte ranges, sorted and merged per file).
func markFiles(files map[string]string, spans []similarity.Span) []markedFile {
	names := slices.Sorted(maps.Keys(files))
	out := make([]markedFile, 0, len(names))
	for _, name := range names {
		src := files[name]
		marked := make([]bool, len(src))
		f := markedFile{Name: name}
		for _, sp := range spans {
			if sp.File != name {
				continue
			}
			for i := max(sp.Start, 0); i < min(sp.End, len(src)); i++ {
				marked[i] = true
			}
			f.Marked += min(sp.End, len(src)) - max(sp.Start, 0)
		}
		line := markedLine{N: 1}
		start := 0
		flush := func(end int) {
			if end > start {
				line.Segs = append(line.Segs, markedSeg{Text: src[start:end], Mark: marked[start]})
			}
			start = end
		}
		for i := 0; i < len(src); i++ {
			switch {
			case src[i] == '\n':
				flush(i)
				f.Lines = append(f.Lines, line)
				line = markedLine{N: line.N + 1}
				start = i + 1
			case i > start && marked[i] != marked[i-1]:
				flush(i)
			}
		}
		flush(len(src))
		if len(line.Segs) > 0 || len(f.Lines) == 0 {
			f.Lines = append(f.Lines, line)
		}
		out = append(out, f)
	}
	return out
}
