package api

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"assay/runner"
)

// Deliveries lists a submission's webhook delivery attempts.
type Deliveries interface {
	Deliveries(ctx context.Context, id string) ([]runner.Delivery, error)
}

// listDeliveries answers GET /api/v1/submissions/:id/deliveries: every
// attempt to announce the submission's result by webhook, for staff
// (app.Deliveries).
func (s *server) listDeliveries(c *gin.Context) {
	out, err := s.deliveries.List(c.Request.Context(), c.Param("id"))
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"deliveries": out})
}
