package main

import (
	"io"
	"strings"
	"testing"
)

func TestConfigSimilarityThreshold(t *testing.T) {
	for v, ok := range map[string]bool{"": true, "0.5": true, "1": true, "0.05": true, "0": false, "1.5": false, "-1": false, "NaN": false, "half": false} {
		cfg, _, err := parseConfig("serve", nil, func(k string) string {
			if k == "ASSAY_SIMILARITY_THRESHOLD" {
				return v
			}
			return ""
		}, io.Discard)
		switch {
		case ok && err != nil:
			t.Errorf("%q refused: %v", v, err)
		case !ok && (err == nil || !strings.Contains(err.Error(), "ASSAY_SIMILARITY_THRESHOLD")):
			t.Errorf("%q: err %v, want one naming the variable", v, err)
		case v == "" && cfg.SimilarityThreshold != 0.5:
			t.Errorf("default threshold %v, want 0.5", cfg.SimilarityThreshold)
		}
	}
}
