package api

import (
	"context"
	"net/mail"
	"strings"

	"github.com/gin-gonic/gin"
)

// Mailer sends one plain-text email (mailer.SMTP).
type Mailer interface {
	Send(ctx context.Context, to mail.Address, subject, body string) error
}

// baseURL is the server's address as candidates reach it: PublicURL, or
// the request's scheme and host.
func (s *server) baseURL(c *gin.Context) string {
	if u := strings.TrimRight(s.cfg.PublicURL, "/"); u != "" {
		return u
	}
	scheme := "http"
	if c.Request.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + c.Request.Host
}
