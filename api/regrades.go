package api

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"assay/access"
	"assay/runner"
)

// Regrades keeps regrades: copies of earlier submissions run again against
// a newer challenge version on the queue's regrade lane.
type Regrades interface {
	ChallengeSubmissions(ctx context.Context, slug string) ([]string, error)
	CreateRegrade(ctx context.Context, rg runner.Regrade, copies []runner.Submission, items []runner.RegradeItem) error
	Regrade(ctx context.Context, id string) (runner.Regrade, runner.RegradeProgress, error)
	Regrades(ctx context.Context) ([]string, error)
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

// startRegrade checks req, copies the finished submissions in its scope
// and queues the copies on the regrade lane (the API's POST and the
// review page's form).
func (s *server) startRegrade(ctx context.Context, req NewRegrade, by access.Principal) (runner.Regrade, error) {
	store, err := s.regrades()
	if err != nil {
		return runner.Regrade{}, err
	}
	rg, ids, err := s.regradeScope(ctx, req)
	if err != nil {
		return runner.Regrade{}, err
	}
	found, err := s.cfg.Submissions.GetMany(ctx, ids)
	if err != nil {
		return runner.Regrade{}, unavailable(fmt.Errorf("regrade: %w", err))
	}
	states := make([]runner.State, 0, len(ids))
	for _, id := range ids {
		if st, ok := found[id]; ok {
			states = append(states, st)
		}
	}
	rg.ID = uuid.NewString()
	rg.CreatedBy = by.ID
	rg.CreatedAt = s.cfg.Now().UTC()
	rg, copies, items := runner.PlanRegrade(rg, states, uuid.NewString)
	if err := store.CreateRegrade(ctx, rg, copies, items); err != nil {
		return runner.Regrade{}, unavailable(fmt.Errorf("create regrade: %w", err))
	}
	s.cfg.Logger.Info("regrade queued", "regrade", rg.ID, "challenge", rg.Challenge, "assessment", rg.Assessment, "total", rg.Total, "skipped", rg.Skipped)
	return rg, nil
}

// regradeScope checks a regrade request and returns the regrade's target
// versions and the candidate submissions' ids.
func (s *server) regradeScope(ctx context.Context, req NewRegrade) (runner.Regrade, []string, error) {
	rg := runner.Regrade{Challenge: req.Challenge, Assessment: req.Assessment, Versions: map[string]string{}}
	if req.Challenge == "" && req.Assessment == "" {
		return rg, nil, errorf(http.StatusBadRequest, "name a challenge, an assessment, or both")
	}
	if req.Version != "" && req.Challenge == "" {
		return rg, nil, errorf(http.StatusBadRequest, "version needs a challenge")
	}
	var slugs []string
	var ids []string
	if req.Assessment != "" {
		accts, err := s.accounts()
		if err != nil {
			return rg, nil, err
		}
		a, err := accts.Assessment(ctx, req.Assessment)
		if err != nil {
			return rg, nil, unavailable(fmt.Errorf("assessment %s: %w", req.Assessment, err))
		}
		slugs = a.Challenges
		if req.Challenge != "" {
			if !slices.Contains(slugs, req.Challenge) {
				return rg, nil, errorf(http.StatusBadRequest, "challenge %s is not part of assessment %s", req.Challenge, req.Assessment)
			}
			slugs = []string{req.Challenge}
		}
		invs, err := accts.Invitations(ctx, req.Assessment)
		if err != nil {
			return rg, nil, unavailable(err)
		}
		for _, inv := range invs {
			subs, err := accts.InvitationSubmissions(ctx, inv.ID)
			if err != nil {
				return rg, nil, unavailable(err)
			}
			ids = append(ids, subs...)
		}
	} else {
		slugs = []string{req.Challenge}
		store, err := s.regrades()
		if err != nil {
			return rg, nil, err
		}
		if ids, err = store.ChallengeSubmissions(ctx, req.Challenge); err != nil {
			return rg, nil, unavailable(err)
		}
	}
	for _, slug := range slugs {
		ch, err := s.cfg.Catalog.Get(slug)
		if err != nil {
			return rg, nil, err
		}
		rg.Versions[slug] = ch.Version
	}
	if req.Version != "" {
		if err := s.knownVersion(ctx, req.Challenge, req.Version); err != nil {
			return rg, nil, err
		}
		rg.Versions[req.Challenge] = req.Version
	}
	return rg, ids, nil
}

// knownVersion refuses a version the server does not store: every copy
// would otherwise be recorded as rejected.
func (s *server) knownVersion(ctx context.Context, slug, version string) error {
	if s.cfg.Publisher == nil {
		return errorf(http.StatusBadRequest, "this server cannot list versions; leave version out to use the current one")
	}
	vs, err := s.cfg.Publisher.Versions(ctx, slug)
	if err != nil {
		return unavailable(err)
	}
	for _, v := range vs {
		if v.Version == version {
			return nil
		}
	}
	return errorf(http.StatusBadRequest, "challenge %s has no version %s (GET /api/v1/challenges/%s/versions lists them)", slug, version, slug)
}

func (s *server) listRegrades(c *gin.Context) {
	ctx := c.Request.Context()
	store, err := s.regrades()
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	out, err := regradeViews(ctx, store)
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	c.JSON(http.StatusOK, RegradeList{Regrades: out})
}

// regradeViews lists every regrade with its progress, oldest first.
func regradeViews(ctx context.Context, store Regrades) ([]RegradeView, error) {
	ids, err := store.Regrades(ctx)
	if err != nil {
		return nil, unavailable(err)
	}
	out := make([]RegradeView, 0, len(ids))
	for _, id := range ids {
		rg, pr, err := store.Regrade(ctx, id)
		if err != nil {
			return nil, unavailable(err)
		}
		out = append(out, RegradeView{Regrade: rg, Progress: pr})
	}
	return out, nil
}

// maxRegradeItems bounds one page of a regrade's items.
const maxRegradeItems = 1000

func (s *server) getRegrade(c *gin.Context) {
	ctx := c.Request.Context()
	store, err := s.regrades()
	if err != nil {
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
	rg, pr, err := store.Regrade(ctx, c.Param("id"))
	if err != nil {
		writeError(c, s.cfg.Logger, unavailable(err))
		return
	}
	items, total, err := store.RegradeItems(ctx, rg.ID, offset, limit)
	if err != nil {
		writeError(c, s.cfg.Logger, unavailable(err))
		return
	}
	c.JSON(http.StatusOK, RegradeView{Regrade: rg, Progress: pr, Items: items, ItemsTotal: total})
}
