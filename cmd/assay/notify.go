package main

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"assay/runner"
	"assay/webhook"
)

// newNotifier builds the webhook notifier of a process with workers: it
// announces every finished submission to the server's webhook
// (ASSAY_WEBHOOK_URL) and to its assessment's, if any.
func (a *App) newNotifier() (*webhook.Notifier, error) {
	var warnOnce sync.Once
	targets := func(ctx context.Context, st runner.State) ([]string, error) {
		var urls []string
		if a.cfg.WebhookURL != "" {
			urls = append(urls, a.cfg.WebhookURL)
		}
		if inv := st.Submission.Invitation; inv != "" {
			u, err := a.assessmentWebhook(ctx, inv)
			if err != nil {
				return nil, err
			}
			if u != "" && u != a.cfg.WebhookURL {
				urls = append(urls, u)
			}
		}
		if len(urls) > 0 && a.cfg.WebhookSecret == "" {
			warnOnce.Do(func() {
				a.log.Error("webhooks are not sent: set ASSAY_WEBHOOK_SECRET to sign them")
			})
			return nil, nil
		}
		return urls, nil
	}
	secret := a.cfg.WebhookSecret
	if secret == "" {
		secret = "unused: no webhook is sent without ASSAY_WEBHOOK_SECRET"
	}
	return webhook.New(webhook.Config{
		Store: a.broker, Targets: targets, Secret: secret, Consumer: a.cfg.WorkerID,
		BaseURL: a.cfg.PublicURL, MaxAge: a.cfg.WebhookMaxAge, AllowPrivate: a.cfg.WebhookLocal, Logger: a.log,
	})
}

func (a *App) assessmentWebhook(ctx context.Context, invitation string) (string, error) {
	inv, err := a.broker.Invitation(ctx, invitation)
	if errors.Is(err, runner.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("invitation %s: %w", invitation, err)
	}
	as, err := a.broker.Assessment(ctx, inv.Assessment)
	if errors.Is(err, runner.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("assessment %s: %w", inv.Assessment, err)
	}
	return as.WebhookURL, nil
}
