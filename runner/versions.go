package runner

import "time"

// Where a stored challenge version came from.
const (
	OriginBuiltin   = "builtin"   // compiled into the binary
	OriginDirectory = "directory" // a folder of ASSAY_CHALLENGES_DIR
	OriginUpload    = "upload"    // published over the API
)

// ChallengeVersion is one version of a challenge as stored, so that it can
// be served (and graded against) after its folder changed.
type ChallengeVersion struct {
	Challenge string `json:"challenge"`
	Version   string `json:"version"`
	Origin    string `json:"origin"`
	// StoredAt is when this version was first stored.
	StoredAt time.Time `json:"stored_at"`
	// Tests and HiddenTests count its expected tests.
	Tests       int `json:"tests"`
	HiddenTests int `json:"hidden_tests"`
	// Files are the folder's files keyed by slash-separated path,
	// expected.json included. Listings leave them out.
	Files map[string][]byte `json:"files,omitempty"`
}

// Publication records that a version was made a challenge's current
// version over the API.
type Publication struct {
	Version string    `json:"version"`
	At      time.Time `json:"at"`
}
