// Package mailer sends plain-text mail through an SMTP server (Assay's
// invitation emails). It holds no queue: a message is sent or its error
// returned, and the caller decides what the user is told.
package mailer

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// The ways to secure the connection.
const (
	// TLSStartTLS upgrades a plain connection (port 587 or 25) and refuses
	// a server that does not offer STARTTLS. The default.
	TLSStartTLS = "starttls"
	// TLSImplicit connects with TLS from the first byte (port 465).
	TLSImplicit = "tls"
	// TLSNone sends in the clear: a relay on this host or a private
	// network only. Credentials are never sent this way.
	TLSNone = "none"
)

// Config is the SMTP server and the sender.
type Config struct {
	// Addr is host:port.
	Addr string
	// From is the sender, "Assay <assay@example.com>" or an address.
	From string
	// Username and Password, when set, authenticate (SASL PLAIN).
	Username, Password string
	// TLS is TLSStartTLS (default), TLSImplicit or TLSNone.
	TLS string
	// Timeout bounds one message, dial to QUIT; default 20s.
	Timeout time.Duration
	// TLSConfig, if set, replaces the default (tests trust their own
	// certificate with it).
	TLSConfig *tls.Config
}

// SMTP sends mail through one server.
type SMTP struct {
	cfg  Config
	from *mail.Address
}

// New checks the configuration.
func New(cfg Config) (*SMTP, error) {
	if _, _, err := net.SplitHostPort(cfg.Addr); err != nil {
		return nil, fmt.Errorf("smtp address %q: want host:port: %w", cfg.Addr, err)
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("smtp sender %q: %w", cfg.From, err)
	}
	switch cfg.TLS {
	case "":
		cfg.TLS = TLSStartTLS
	case TLSStartTLS, TLSImplicit:
	case TLSNone:
		if cfg.Username != "" {
			return nil, errors.New("smtp: credentials are never sent without TLS (set TLS to starttls or tls)")
		}
	default:
		return nil, fmt.Errorf("smtp TLS %q: want starttls, tls or none", cfg.TLS)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 20 * time.Second
	}
	return &SMTP{cfg: cfg, from: from}, nil
}

// Send sends one plain-text message to one recipient.
func (m *SMTP) Send(ctx context.Context, to mail.Address, subject, body string) error {
	if _, err := mail.ParseAddress(to.Address); err != nil {
		return fmt.Errorf("send mail: recipient %q: %w", to.Address, err)
	}
	msg, err := m.message(to, subject, body)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, m.cfg.Timeout)
	defer cancel()
	c, conn, err := m.dial(ctx)
	if err != nil {
		return fmt.Errorf("send mail to %s: %w", to.Address, err)
	}
	defer c.Close()
	// The client has no context: the connection's deadline bounds it, and
	// closing the connection ends it when ctx does first.
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	if err := m.deliver(c, to.Address, msg); err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("%w (%w)", ctx.Err(), err)
		}
		return fmt.Errorf("send mail to %s: %w", to.Address, err)
	}
	return nil
}

func (m *SMTP) dial(ctx context.Context) (*smtp.Client, net.Conn, error) {
	host, _, _ := net.SplitHostPort(m.cfg.Addr)
	tc := m.cfg.TLSConfig
	if tc == nil {
		tc = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", m.cfg.Addr)
	if err != nil {
		return nil, nil, err
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	switch m.cfg.TLS {
	case TLSImplicit:
		tconn := tls.Client(conn, tc)
		if err := tconn.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, nil, fmt.Errorf("tls: %w", err)
		}
		return smtp.NewClient(tconn), tconn, nil
	case TLSStartTLS:
		c, err := smtp.NewClientStartTLS(conn, tc)
		if err != nil {
			conn.Close()
			return nil, nil, fmt.Errorf("starttls: %w", err)
		}
		return c, conn, nil
	}
	return smtp.NewClient(conn), conn, nil
}

func (m *SMTP) deliver(c *smtp.Client, to string, msg []byte) error {
	if m.cfg.Username != "" {
		if err := c.Auth(sasl.NewPlainClient("", m.cfg.Username, m.cfg.Password)); err != nil {
			return fmt.Errorf("auth: %w", err)
		}
	}
	if err := c.Mail(m.from.Address, nil); err != nil {
		return fmt.Errorf("MAIL FROM: %w", err)
	}
	if err := c.Rcpt(to, nil); err != nil {
		return fmt.Errorf("RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		w.Close()
		return fmt.Errorf("DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	return c.Quit()
}

// message is the RFC 5322 text: headers encoded (names and subjects may
// hold any character, never a header break), the body quoted-printable.
func (m *SMTP) message(to mail.Address, subject, body string) ([]byte, error) {
	id := make([]byte, 16)
	if _, err := rand.Read(id); err != nil {
		return nil, fmt.Errorf("message id: %w", err)
	}
	_, domain, _ := strings.Cut(m.from.Address, "@")
	var b bytes.Buffer
	header := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	header("From", m.from.String())
	header("To", to.String())
	header("Subject", mime.QEncoding.Encode("utf-8", oneLine(subject)))
	header("Date", time.Now().UTC().Format(time.RFC1123Z))
	header("Message-ID", "<"+hex.EncodeToString(id)+"@"+domain+">")
	header("MIME-Version", "1.0")
	header("Content-Type", `text/plain; charset="utf-8"`)
	header("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write([]byte(strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\n", "\r\n"))); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '\r' || r == '\n' }), " ")
}
