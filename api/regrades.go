package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"assay/access"
	"assay/app"
	"assay/runner"
)

// Regrades keeps regrades: copies of earlier submissions run again against
// a newer challenge version on the queue's regrade lane.
type Regrades interface {
	ChallengeSubmissions(ctx context.Context, slug string) ([]string, error)
	CreateRegrade(ctx context.Context, rg runner.Regrade, copies []runner.Submission, items []runner.RegradeItem) error
	Regrade(ctx context.Context, id string) (runner.Regrade, runner.RegradeProgress, error)
	Regrades(ctx context.Context) ([]runner.Regrade, []runner.RegradeProgress, error)
	RegradeItems(ctx context.Context, id string, offset, limit int) ([]runner.RegradeItem, int, error)
	// RegradesOf lists the ids of a submission's regrade copies.
	RegradesOf(ctx context.Context, id string) ([]string, error)
}

func (s *server) regradeRoutes(v1 *gin.RouterGroup) {
	v1.POST("/regrades", s.allow(access.RoleAdmin), s.createRegrade)
	v1.GET("/regrades", s.allow(access.RoleAdmin), s.listRegrades)
	v1.GET("/regrades/:id", s.allow(access.RoleAdmin), s.getRegrade)
}

func (s *server) regrades() (Regrades, error) {
	if s.cfg.Regrades == nil {
		return nil, errorf(http.StatusNotImplemented, "this server keeps no regrades")
	}
	return s.cfg.Regrades, nil
}

func (s *server) createRegrade(c *gin.Context) {
	var req NewRegrade
	if err := s.decodeJSON(c, &req); err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	rg, err := s.startRegrade(c.Request.Context(), req, principalOf(c))
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	c.Header("Location", "/api/v1/regrades/"+rg.ID)
	c.JSON(http.StatusAccepted, RegradeView{Regrade: rg, Progress: runner.RegradeProgress{Queued: rg.Total, Verdicts: map[runner.Verdict]int{}}})
}

// startRegrade is app's Regrades.Start of a NewRegrade (the API's POST
// and the review page's form).
func (s *server) startRegrade(ctx context.Context, req NewRegrade, by access.Principal) (runner.Regrade, error) {
	return s.regrade.Start(ctx, by, app.RegradeRequest{Challenge: req.Challenge, Assessment: req.Assessment, Version: req.Version})
}

func (s *server) listRegrades(c *gin.Context) {
	out, err := s.regradeViews(c.Request.Context())
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	c.JSON(http.StatusOK, RegradeList{Regrades: out})
}

// regradeViews lists every regrade with its progress, oldest first
// (app's Regrades.List, as the API's views).
func (s *server) regradeViews(ctx context.Context) ([]RegradeView, error) {
	list, err := s.regrade.List(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]RegradeView, 0, len(list))
	for _, st := range list {
		out = append(out, RegradeView(st))
	}
	return out, nil
}

// maxRegradeItems bounds one page of a regrade's items.
const maxRegradeItems = 1000

func (s *server) getRegrade(c *gin.Context) {
	// No regrades is refused before the query is read, as it always was.
	if _, err := s.regrades(); err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	offset, limit := 0, 200
	for name, dst := range map[string]*int{"offset": &offset, "limit": &limit} {
		if v := c.Query(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || (name == "limit" && (n == 0 || n > maxRegradeItems)) {
				writeError(c, s.cfg.Logger, errorf(http.StatusBadRequest, "%s must be a whole number (limit 1 to %d)", name, maxRegradeItems))
				return
			}
			*dst = n
		}
	}
	st, err := s.regrade.Get(c.Request.Context(), c.Param("id"), offset, limit)
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	c.JSON(http.StatusOK, RegradeView(st))
}
