package mailer_test

import (
	"context"
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"testing"
	"time"

	"assay/mailer"
	"assay/mailer/mailertest"
)

func body(t *testing.T, m mailertest.Message) string {
	t.Helper()
	b, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(m.Body)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSendThroughASink: a real SMTP exchange with STARTTLS and AUTH; the
// headers carry any name and subject without a header break, the body
// arrives as written.
func TestSendThroughASink(t *testing.T) {
	sink := mailertest.Start(t, mailertest.Options{TLS: true, Username: "assay", Password: "s3cret"})
	m, err := mailer.New(mailer.Config{Addr: sink.Addr, From: "Assay <assay@example.com>", Username: "assay", Password: "s3cret", TLSConfig: sink.Client})
	if err != nil {
		t.Fatal(err)
	}
	to := mail.Address{Name: "Zoë \"Evil\"\r\nBcc: victim@example.com", Address: "zoe@example.com"}
	text := "Hello Zoë,\n\nyour link: http://127.0.0.1:8080/i/" + strings.Repeat("x", 43) + "\n"
	if err := m.Send(context.Background(), to, "Your invitation\r\nBcc: victim@example.com", text); err != nil {
		t.Fatal(err)
	}
	msgs := sink.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages", len(msgs))
	}
	got := msgs[0]
	if got.From != "assay@example.com" || len(got.To) != 1 || got.To[0] != "zoe@example.com" {
		t.Errorf("envelope: from %q to %q", got.From, got.To)
	}
	if got.Header.Get("Bcc") != "" || strings.Contains(got.Raw, "\nBcc:") {
		t.Errorf("a header was injected:\n%s", got.Raw)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(got.Header.Get("Subject"))
	if err != nil || subject != "Your invitation Bcc: victim@example.com" {
		t.Errorf("subject %q (%v)", subject, err)
	}
	if addr, err := mail.ParseAddress(got.Header.Get("To")); err != nil || addr.Address != "zoe@example.com" {
		t.Errorf("To: %q %v", got.Header.Get("To"), err)
	}
	if b := body(t, got); strings.ReplaceAll(b, "\r\n", "\n") != text {
		t.Errorf("body:\n%q\nwant\n%q", b, text)
	}
}

func TestSendFailures(t *testing.T) {
	ctx := context.Background()
	plain := mailertest.Start(t, mailertest.Options{RefuseRcpt: "nobody"})
	tlsSink := mailertest.Start(t, mailertest.Options{TLS: true, Username: "u", Password: "p"})

	m, err := mailer.New(mailer.Config{Addr: plain.Addr, From: "assay@example.com", TLS: mailer.TLSNone})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Send(ctx, mail.Address{Address: "nobody@example.com"}, "s", "b"); err == nil || !strings.Contains(err.Error(), "no such mailbox") {
		t.Errorf("a refused recipient: %v", err)
	}
	if err := m.Send(ctx, mail.Address{Address: "not an address"}, "s", "b"); err == nil {
		t.Errorf("a bad recipient was sent")
	}
	// STARTTLS is required by default: a server without it is refused
	// before anything is sent.
	strict, _ := mailer.New(mailer.Config{Addr: plain.Addr, From: "assay@example.com"})
	if err := strict.Send(ctx, mail.Address{Address: "a@example.com"}, "s", "b"); err == nil {
		t.Errorf("sent without STARTTLS")
	}
	// Wrong credentials, and an untrusted certificate.
	bad, _ := mailer.New(mailer.Config{Addr: tlsSink.Addr, From: "assay@example.com", Username: "u", Password: "wrong", TLSConfig: tlsSink.Client})
	if err := bad.Send(ctx, mail.Address{Address: "a@example.com"}, "s", "b"); err == nil {
		t.Errorf("sent with wrong credentials")
	}
	untrusted, _ := mailer.New(mailer.Config{Addr: tlsSink.Addr, From: "assay@example.com", Username: "u", Password: "p"})
	if err := untrusted.Send(ctx, mail.Address{Address: "a@example.com"}, "s", "b"); err == nil {
		t.Errorf("trusted a self-signed certificate")
	}
	if n := len(plain.Messages()) + len(tlsSink.Messages()); n != 0 {
		t.Errorf("%d messages got through", n)
	}
	// A server that accepts and never answers: the timeout ends the send.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	mute, _ := mailer.New(mailer.Config{Addr: l.Addr().String(), From: "assay@example.com", TLS: mailer.TLSNone, Timeout: 300 * time.Millisecond})
	start := time.Now()
	err = mute.Send(ctx, mail.Address{Address: "a@example.com"}, "s", "b")
	if err == nil || time.Since(start) > 5*time.Second {
		t.Errorf("a mute server: %v after %s", err, time.Since(start))
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := m.Send(cctx, mail.Address{Address: "a@example.com"}, "s", "b"); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled send: %v", err)
	}
}

func TestConfig(t *testing.T) {
	for _, c := range []mailer.Config{
		{Addr: "localhost", From: "a@example.com"},
		{Addr: "localhost:25", From: "not an address"},
		{Addr: "localhost:25", From: "a@example.com", TLS: "ssl"},
		{Addr: "localhost:25", From: "a@example.com", TLS: mailer.TLSNone, Username: "u"},
	} {
		if _, err := mailer.New(c); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}
