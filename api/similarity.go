package api

import (
	"context"
	"maps"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"assay/access"
	"assay/app"
	"assay/challenges"
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

// The similarity's answers are package app's (app/similarity.go).
type (
	SimilaritySide    = app.SimilaritySide
	SimilarityPair    = app.SimilarityPair
	SimilarityCluster = app.SimilarityCluster
	SimilarityReport  = app.SimilarityReport
	SimilarView       = app.SimilarView
)

func (s *server) similarityRoutes(r *gin.Engine, v1 *gin.RouterGroup) {
	v1.GET("/assessments/:id/similarity", s.allow(staff...), s.assessmentSimilarity)
	v1.GET("/submissions/:id/similar", s.allow(staff...), s.submissionSimilar)
	r.GET("/review/assessments/:id/similarity", s.page(staff...), s.similarityPage)
	r.GET("/review/similarity/:a/:b", s.page(staff...), s.similarityPairPage)
}

// similarityReport is an assessment's similarity: refused on a server
// without similarity before the assessment is read, as it always was.
func (s *server) similarityReport(ctx context.Context, id string) (SimilarityReport, error) {
	if err := s.similarity.Supported(); err != nil {
		return SimilarityReport{}, err
	}
	rep, err := s.assessmentReport(ctx, id)
	if err != nil {
		return SimilarityReport{}, err
	}
	return s.similarity.Report(ctx, rep)
}

func (s *server) assessmentSimilarity(c *gin.Context) {
	rep, err := s.similarityReport(c.Request.Context(), c.Param("id"))
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	c.JSON(http.StatusOK, rep)
}

func (s *server) submissionSimilar(c *gin.Context) {
	v, err := s.similarity.Similar(c.Request.Context(), c.Param("id"))
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

// pairOf is the pair page's view: the pair compared (app's
// Similarity.Pair), each side's files cut into marked lines.
func (s *server) pairOf(ctx context.Context, a, b string) (similarityPairView, error) {
	pr, err := s.similarity.Pair(ctx, a, b)
	if err != nil {
		return similarityPairView{}, err
	}
	return similarityPairView{Title: "Similarity · " + pr.Challenge, Challenge: pr.Challenge, Score: pr.Score, Stored: pr.Stored, Threshold: pr.Threshold,
		A: pairSide{Side: pr.A.Side, Files: markFiles(pr.A.Files, pr.A.Spans)},
		B: pairSide{Side: pr.B.Side, Files: markFiles(pr.B.Files, pr.B.Spans)}}, nil
}

// ScaffoldOf is a challenge's scaffolding as package similarity takes it
// (app.ScaffoldOf).
func ScaffoldOf(ch *challenges.Challenge) similarity.Scaffold { return app.ScaffoldOf(ch) }

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
