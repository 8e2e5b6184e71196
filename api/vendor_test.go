package api_test

import (
	"bytes"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"assay/api"
	"assay/internal/testenv"
)

// TestVendoredCodeMirror: the candidate page's editor is Debian's
// libjs-codemirror, copied unchanged (scripts/vendor-codemirror.sh) with
// its license, and served by the binary itself.
func TestVendoredCodeMirror(t *testing.T) {
	list, err := os.ReadFile(filepath.Join("..", "scripts", "codemirror.files"))
	if err != nil {
		t.Fatal(err)
	}
	const debian = "/usr/share/javascript/codemirror"
	if _, err := os.Stat(filepath.Join(debian, "lib", "codemirror.js")); err != nil {
		testenv.Missing(t, "Debian's libjs-codemirror is not installed: apt-get install libjs-codemirror")
	}
	s := newRealServer(t, api.RateLimit{})
	for _, f := range strings.Fields(string(list)) {
		want, err := os.ReadFile(filepath.Join(debian, f))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join("web", "static", "codemirror", f))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s differs from Debian's (%v): run scripts/vendor-codemirror.sh", f, err)
		}
		rec := httptest.NewRecorder()
		s.h.ServeHTTP(rec, httptest.NewRequest("GET", "/static/codemirror/"+f, nil))
		if rec.Code != 200 || !bytes.Equal(rec.Body.Bytes(), want) {
			t.Errorf("GET /static/codemirror/%s: %d, %d bytes", f, rec.Code, rec.Body.Len())
		}
	}
	if lic, err := os.ReadFile(filepath.Join("web", "static", "codemirror", "LICENSE")); err != nil || !bytes.Contains(lic, []byte("License: Expat")) {
		t.Errorf("no license file beside the editor: %v", err)
	}
}
