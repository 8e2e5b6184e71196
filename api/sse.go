package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"assay/runner"
)

// sseHeartbeat is how often an idle event stream gets a comment line, so
// proxies and browsers keep it open.
const sseHeartbeat = 15 * time.Second

// events streams a submission's progress as Server-Sent Events: one event
// named after each status it reaches (queued, running, done), whose data
// is the state as the principal may see it, then the stream ends. It is
// built on Submissions.Watch (Redis pub/sub). The stream lasts at most
// MaxWait; a client that reconnects gets the current status at once.
func (s *server) events(c *gin.Context) {
	id := c.Param("id")
	if _, err := uuid.Parse(id); err != nil {
		writeError(c, s.cfg.Logger, errorf(http.StatusNotFound, "submission %q not found", id))
		return
	}
	st, ok := s.readable(c, id)
	if !ok {
		return
	}
	p := principalOf(c)
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.cfg.MaxWait)
	defer cancel()

	c.Header("Content-Type", "text/event-stream")
	c.Header("Cache-Control", "no-cache")
	c.Header("X-Accel-Buffering", "no")
	c.Status(http.StatusOK)
	w := c.Writer
	send := func(st runner.State) error {
		data, err := json.Marshal(view(p, st))
		if err != nil {
			return fmt.Errorf("events %s: %w", id, err)
		}
		if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", st.Status, data); err != nil {
			return err
		}
		w.Flush()
		return nil
	}
	if err := send(st); err != nil {
		return
	}
	for st.Status != runner.StatusDone {
		wctx, wcancel := context.WithTimeout(ctx, sseHeartbeat)
		next, err := s.cfg.Submissions.Watch(wctx, id, st.Status)
		wcancel()
		if err != nil {
			s.cfg.Logger.Warn("events: watch", "submission", id, "err", err)
			_, _ = io.WriteString(w, "event: error\ndata: {\"error\":\"the service is temporarily unavailable\"}\n\n")
			w.Flush()
			return
		}
		if ctx.Err() != nil {
			return
		}
		if next.Status == st.Status {
			if _, err := io.WriteString(w, ": still "+string(st.Status)+"\n\n"); err != nil {
				return
			}
			w.Flush()
			continue
		}
		st = next
		if err := send(st); err != nil {
			return
		}
	}
}
