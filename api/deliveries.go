package api

import (
	"context"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"assay/runner"
)

// Deliveries lists a submission's webhook delivery attempts.
type Deliveries interface {
	Deliveries(ctx context.Context, id string) ([]runner.Delivery, error)
}

// listDeliveries answers GET /api/v1/submissions/:id/deliveries: every
// attempt to announce the submission's result by webhook, for staff.
func (s *server) listDeliveries(c *gin.Context) {
	id := c.Param("id")
	if _, err := uuid.Parse(id); err != nil {
		writeError(c, s.cfg.Logger, errorf(http.StatusNotFound, "submission %q not found", id))
		return
	}
	if _, err := s.cfg.Submissions.Get(c.Request.Context(), id); err != nil {
		writeError(c, s.cfg.Logger, unavailable(fmt.Errorf("get submission: %w", err)))
		return
	}
	out := []runner.Delivery{}
	if s.cfg.Deliveries != nil {
		ds, err := s.cfg.Deliveries.Deliveries(c.Request.Context(), id)
		if err != nil {
			writeError(c, s.cfg.Logger, unavailable(err))
			return
		}
		out = append(out, ds...)
	}
	c.JSON(http.StatusOK, gin.H{"deliveries": out})
}
