package client

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"assay/api/wire"
)

// Publication is the server's answer to a challenge upload: Published
// for a version published (201) or made current again (200), Refused for
// a challenge the server would not publish (422 with its check, 400 or 413
// with the reason only). Raw is the answer's JSON as sent.
type Publication struct {
	Status    int
	Published *wire.Published
	Refused   *wire.PublishRefused
	Raw       []byte
}

// Publish uploads a challenge folder packed as a tar.gz (POST
// /api/v1/challenges, the admin's). The server checks it in the sandbox
// before publishing, which can take minutes: bound it with ctx. A refusal
// is a Publication, not an error; any other answer is an *Error.
func (c *Client) Publish(ctx context.Context, archive []byte) (Publication, error) {
	resp, err := c.send(ctx, http.MethodPost, "/api/v1/challenges", archive, map[string]string{"Content-Type": "application/gzip"})
	if err != nil {
		return Publication{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return Publication{}, fmt.Errorf("publish: read the answer: %w", err)
	}
	p := Publication{Status: resp.StatusCode, Raw: body}
	switch resp.StatusCode {
	case http.StatusOK, http.StatusCreated:
		p.Published = new(wire.Published)
		if err := json.Unmarshal(body, p.Published); err != nil {
			return Publication{}, fmt.Errorf("publish: the server's %d answer is not a publication: %w", resp.StatusCode, err)
		}
	case http.StatusUnprocessableEntity, http.StatusBadRequest, http.StatusRequestEntityTooLarge:
		p.Refused = new(wire.PublishRefused)
		if err := json.Unmarshal(body, p.Refused); err != nil || p.Refused.Error == "" {
			p.Refused.Error = strings.TrimSpace(string(body))
		}
	default:
		return Publication{}, fmt.Errorf("publish: %w", answerError(resp, body))
	}
	return p, nil
}
