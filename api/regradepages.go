package api

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"

	"github.com/gin-gonic/gin"

	"assay/access"
	"assay/runner"
)

// The admin's regrade pages: the list with a form that starts a regrade,
// and one regrade's progress with its old and new verdicts side by side.

// regradePageSize is how many items one regrade page shows.
const regradePageSize = 100

type regradeChoice struct {
	Value, Label string
}

type regradesView struct {
	Title       string
	Principal   access.Principal
	Regrades    []RegradeView
	Challenges  []regradeChoice
	Assessments []regradeChoice
	Form        NewRegrade
	FormToken   string
	Error       string
}

type regradeView struct {
	Title       string
	Principal   access.Principal
	RegradeView RegradeView
	Percent     int
	Changed     bool // only changed items are listed
	Offset      int
	Shown       int // items in the list before paging
	Prev, Next  string
}

func (s *server) regradePageRoutes(r *gin.Engine) {
	r.GET("/review/regrades", s.page(access.RoleAdmin), s.regradesPage)
	r.POST("/review/regrades", s.formPage(access.RoleAdmin), s.regradeForm)
	r.GET("/review/regrades/:id", s.page(access.RoleAdmin), s.regradePage)
}

// regradesPage lists the regrades, newest first, under the form that
// starts one.
func (s *server) regradesPage(c *gin.Context) {
	s.renderRegrades(c, http.StatusOK, NewRegrade{Challenge: c.Query("challenge"), Assessment: c.Query("assessment")}, "")
}

func (s *server) renderRegrades(c *gin.Context, status int, form NewRegrade, msg string) {
	ctx := c.Request.Context()
	list, err := s.regradeViews(ctx)
	if err != nil {
		s.errorPage(c, err)
		return
	}
	slices.Reverse(list) // newest first
	view := regradesView{Title: "Regrades", Principal: principalOf(c), Regrades: list, Form: form, Error: msg, FormToken: c.GetString(formTokenKey)}
	for _, ch := range s.cfg.Catalog.List() {
		view.Challenges = append(view.Challenges, regradeChoice{Value: ch.Slug, Label: ch.Title})
	}
	sort.Slice(view.Challenges, func(i, j int) bool { return view.Challenges[i].Value < view.Challenges[j].Value })
	if s.cfg.Accounts != nil {
		list, err := s.cfg.Accounts.Assessments(ctx)
		if err != nil {
			s.errorPage(c, unavailable(err))
			return
		}
		for _, a := range list {
			view.Assessments = append(view.Assessments, regradeChoice{Value: a.ID, Label: a.Name})
		}
	}
	s.render(c, status, "regrades", view)
}

// regradeForm starts a regrade from the form and shows its progress; a
// refused request shows the form again with the reason.
func (s *server) regradeForm(c *gin.Context) {
	req := NewRegrade{Challenge: c.PostForm("challenge"), Assessment: c.PostForm("assessment"), Version: c.PostForm("version")}
	rg, err := s.startRegrade(c.Request.Context(), req, principalOf(c))
	if status, msg, ok := refusal(err); ok {
		s.renderRegrades(c, status, req, msg)
		return
	}
	switch {
	case errors.Is(err, runner.ErrNotFound):
		s.renderRegrades(c, http.StatusBadRequest, req, "Not found: "+err.Error()+".")
		return
	case err != nil:
		s.errorPage(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/review/regrades/"+rg.ID)
}

// regradePage shows a regrade's progress and its items, a page at a time
// (?offset=N), all of them or only the changed ones (?changed=1).
func (s *server) regradePage(c *gin.Context) {
	ctx := c.Request.Context()
	store, err := s.regrades()
	if err != nil {
		s.errorPage(c, err)
		return
	}
	rg, pr, err := store.Regrade(ctx, c.Param("id"))
	if err != nil {
		s.errorPage(c, unavailable(err))
		return
	}
	offset, _ := strconv.Atoi(c.Query("offset"))
	offset = max(0, offset)
	changed := c.Query("changed") == "1"
	view := regradeView{Title: "Regrade " + shortID(rg.ID), Principal: principalOf(c), Changed: changed, Offset: offset}
	view.RegradeView = RegradeView{Regrade: rg, Progress: pr}
	if rg.Total > 0 {
		view.Percent = pr.Done * 100 / rg.Total
	} else {
		view.Percent = 100
	}
	var items []runner.RegradeItem
	if changed {
		items, view.Shown, err = changedItems(ctx, store, rg.ID, offset, regradePageSize)
	} else {
		items, view.Shown, err = store.RegradeItems(ctx, rg.ID, offset, regradePageSize)
	}
	if err != nil {
		s.errorPage(c, unavailable(err))
		return
	}
	view.RegradeView.Items, view.RegradeView.ItemsTotal = items, view.Shown
	link := func(off int) string {
		q := url.Values{}
		if off > 0 {
			q.Set("offset", strconv.Itoa(off))
		}
		if changed {
			q.Set("changed", "1")
		}
		if len(q) == 0 {
			return "/review/regrades/" + rg.ID
		}
		return "/review/regrades/" + rg.ID + "?" + q.Encode()
	}
	if offset > 0 {
		view.Prev = link(max(0, offset-regradePageSize))
	}
	if offset+regradePageSize < view.Shown {
		view.Next = link(offset + regradePageSize)
	}
	if !pr.Completed {
		c.Header("Refresh", "3") // the page follows the regrade until it completes
	}
	c.Header("Cache-Control", "no-store")
	s.render(c, http.StatusOK, "regrade", view)
}

// changedItems reads every item of a regrade and returns the page
// [offset, offset+limit) of those whose verdict changed, and how many
// changed.
func changedItems(ctx context.Context, store Regrades, id string, offset, limit int) ([]runner.RegradeItem, int, error) {
	var page []runner.RegradeItem
	n := 0
	for from := 0; ; from += maxRegradeItems {
		items, total, err := store.RegradeItems(ctx, id, from, maxRegradeItems)
		if err != nil {
			return nil, 0, err
		}
		for _, it := range items {
			if !it.Changed() {
				continue
			}
			if n >= offset && len(page) < limit {
				page = append(page, it)
			}
			n++
		}
		if from+maxRegradeItems >= total {
			return page, n, nil
		}
	}
}
