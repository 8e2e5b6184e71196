package api

import (
	"context"
	"fmt"
	"net/http"
	"net/mail"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"assay/access"
)

// Mailer sends one plain-text email (mailer.SMTP).
type Mailer interface {
	Send(ctx context.Context, to mail.Address, subject, body string) error
}

// checkSendEmail refuses send_email without a mailer or an address,
// before anything is created.
func (s *server) checkSendEmail(send bool, email string) error {
	switch {
	case !send:
		return nil
	case s.cfg.Mailer == nil:
		return errorf(http.StatusNotImplemented, "this server sends no email (set ASSAY_SMTP_ADDR and ASSAY_SMTP_FROM)")
	case email == "":
		return errorf(http.StatusBadRequest, "send_email needs the candidate's email")
	}
	if _, err := mail.ParseAddress(email); err != nil {
		return errorf(http.StatusBadRequest, "email %q is not an email address", email)
	}
	return nil
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

// emailLink emails a new invitation's link to its candidate and records
// the outcome in out; a failure leaves the invitation as it is (staff
// still have the link to send another way).
func (s *server) emailLink(ctx context.Context, p access.Principal, a access.Assessment, out *CreatedInvitation, base string) {
	subject := fmt.Sprintf("Your coding assessment: %s", a.Name)
	err := s.cfg.Mailer.Send(ctx, mail.Address{Name: out.Candidate, Address: out.Email}, subject, s.invitationText(p, a, out, base))
	if err != nil {
		s.cfg.Logger.Warn("invitation email not sent", "invitation", out.ID, "err", err)
		out.EmailError = err.Error()
		return
	}
	out.Emailed = true
	s.cfg.Logger.Info("invitation emailed", "invitation", out.ID, "by", p.ID)
}

func (s *server) invitationText(p access.Principal, a access.Assessment, out *CreatedInvitation, base string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Hello %s,\n\n", out.Candidate)
	who := p.Name
	if p.Role == access.RoleAdmin || who == "" {
		who = "The hiring team"
	}
	fmt.Fprintf(&b, "%s invites you to a coding assessment, %q.\n\nOpen it here (the link is yours alone: please do not share it):\n\n    %s%s\n\n", who, a.Name, base, out.Link)
	b.WriteString("Challenges:\n")
	for _, slug := range out.Challenges {
		title := slug
		if ch, err := s.cfg.Catalog.Get(slug); err == nil {
			title = ch.Title
		}
		fmt.Fprintf(&b, "  - %s\n", title)
	}
	if out.Timed() {
		fmt.Fprintf(&b, "\nIt is timed: you have %s from the moment you press Start on the page, not before.\n", out.Allowed().Round(time.Minute))
	}
	if out.Deadline != nil {
		fmt.Fprintf(&b, "\nSubmit by %s.\n", out.Deadline.UTC().Format("Monday 2 January 2006, 15:04 UTC"))
	}
	if out.AttemptLimit > 0 {
		fmt.Fprintf(&b, "You may submit each challenge up to %d times; Runs of the visible tests do not count.\n", out.AttemptLimit)
	}
	b.WriteString("\nGood luck!\n")
	return b.String()
}
