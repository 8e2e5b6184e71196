package challenges_test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"io/fs"
	"strings"
	"testing"

	"assay/challenges"
)

// entry is one member of a crafted archive.
type entry struct {
	name string
	body string
	size int64 // > 0: that many zero bytes instead of body (a bomb)
	tar  byte  // tar type flag; 0 means a regular file
	mode fs.FileMode
}

func tarGz(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	tw := tar.NewWriter(gz)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: 0o644, Typeflag: tar.TypeReg, Size: int64(len(e.body))}
		if e.tar != 0 {
			h.Typeflag = e.tar
			h.Size = 0
			h.Linkname = "/etc/passwd"
		}
		if e.size > 0 {
			h.Size = e.size
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if e.size > 0 {
			if _, err := io.CopyN(tw, zeros{}, e.size); err != nil {
				t.Fatal(err)
			}
		} else if _, err := io.WriteString(tw, e.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	gz.Close()
	return buf.Bytes()
}

func zipOf(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		h.SetMode(0o644)
		if e.mode != 0 {
			h.SetMode(e.mode)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if e.size > 0 {
			io.CopyN(w, zeros{}, e.size)
		} else {
			io.WriteString(w, e.body)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// goodEntries is a small valid challenge, under prefix.
func goodEntries(prefix string) []entry {
	return []entry{
		{name: prefix + "challenge.yaml", body: "slug: add\ntitle: Add\nfiles: [solution.py]\n"},
		{name: prefix + "prompt.md", body: "Write add."},
		{name: prefix + "starter/solution.py", body: "def add(a, b):\n    raise NotImplementedError\n"},
		{name: prefix + "reference/solution.py", body: "def add(a, b):\n    return a + b\n"},
		{name: prefix + "tests/visible/test_add.py", body: "def test_add(): pass\n"},
	}
}

func TestReadArchiveAcceptsBothLayoutsAndFormats(t *testing.T) {
	cases := map[string][]byte{
		"tar.gz in a folder":    tarGz(t, append([]entry{{name: "add/", tar: tar.TypeDir}}, goodEntries("add/")...)...),
		"tar.gz at the root":    tarGz(t, goodEntries("")...),
		"tar.gz with ./ prefix": tarGz(t, append([]entry{{name: "./", tar: tar.TypeDir}}, goodEntries("./")...)...),
		"zip in a folder":       zipOf(t, append([]entry{{name: "add/", mode: fs.ModeDir | 0o755}}, goodEntries("add/")...)...),
		"zip at the root":       zipOf(t, goodEntries("")...),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			fsys, dir, err := challenges.ReadArchive(data, challenges.ArchiveLimits{})
			if err != nil {
				t.Fatal(err)
			}
			ch, err := challenges.Load(fsys, dir)
			if err != nil {
				t.Fatal(err)
			}
			if dir != "add" || ch.Slug != "add" || len(ch.Reference) != 1 {
				t.Fatalf("dir %q, challenge %+v", dir, ch.Manifest)
			}
		})
	}
}

func TestReadArchiveRefusesHostileArchives(t *testing.T) {
	small := challenges.ArchiveLimits{MaxEntries: 20, MaxFileBytes: 1 << 20, MaxTotal: 2 << 20}
	good := goodEntries("add/")
	with := func(extra ...entry) []entry { return append(append([]entry{}, good...), extra...) }
	many := make([]entry, 0, 30)
	for i := range 30 {
		many = append(many, entry{name: "add/fixtures/f" + strings.Repeat("x", i) + ".txt", body: "x"})
	}
	cases := []struct {
		name string
		data []byte
		want error
		says string
	}{
		{"garbage", []byte("this is not an archive at all"), challenges.ErrArchiveType, "neither"},
		{"empty body", nil, challenges.ErrArchiveType, "neither"},
		{"gzip of garbage", gzipOf([]byte("not a tar stream, just text that is long enough to matter............................................................................................................................................................................................................................................................................................................................................................................................................................................................................................................")), challenges.ErrArchiveUnsafe, "tar"},
		{"truncated gzip", tarGz(t, good...)[:40], challenges.ErrArchiveUnsafe, ""},
		{"truncated zip", zipOf(t, good...)[:60], challenges.ErrArchiveUnsafe, "zip"},
		{"tar traversal", tarGz(t, with(entry{name: "add/../../etc/cron.d/x", body: "x"})...), challenges.ErrArchiveUnsafe, ".."},
		{"tar traversal at the start", tarGz(t, with(entry{name: "../x", body: "x"})...), challenges.ErrArchiveUnsafe, ".."},
		{"tar absolute path", tarGz(t, with(entry{name: "/etc/passwd", body: "x"})...), challenges.ErrArchiveUnsafe, "absolute"},
		{"tar backslash", tarGz(t, with(entry{name: "add\\..\\x", body: "x"})...), challenges.ErrArchiveUnsafe, "backslash"},
		{"tar drive letter", tarGz(t, with(entry{name: "C:/x", body: "x"})...), challenges.ErrArchiveUnsafe, "drive"},
		{"tar symlink", tarGz(t, with(entry{name: "add/fixtures/link", tar: tar.TypeSymlink})...), challenges.ErrArchiveUnsafe, "symbolic link"},
		{"tar hard link", tarGz(t, with(entry{name: "add/fixtures/link", tar: tar.TypeLink})...), challenges.ErrArchiveUnsafe, "hard link"},
		{"tar device", tarGz(t, with(entry{name: "add/fixtures/dev", tar: tar.TypeChar})...), challenges.ErrArchiveUnsafe, "device"},
		{"tar fifo", tarGz(t, with(entry{name: "add/fixtures/fifo", tar: tar.TypeFifo})...), challenges.ErrArchiveUnsafe, "pipe"},
		{"tar duplicate", tarGz(t, with(entry{name: "add/prompt.md", body: "again"})...), challenges.ErrArchiveUnsafe, "twice"},
		{"tar duplicate after ./", tarGz(t, with(entry{name: "./add/prompt.md", body: "again"})...), challenges.ErrArchiveUnsafe, "twice"},
		{"tar too many entries", tarGz(t, with(many...)...), challenges.ErrArchiveTooLarge, "entries"},
		{"tar bomb: one big file", tarGz(t, with(entry{name: "add/fixtures/zeros", size: 16 << 20})...), challenges.ErrArchiveTooLarge, "larger than 1048576"},
		{"tar bomb: many files", tarGz(t, with(
			entry{name: "add/fixtures/a", size: 1 << 20}, entry{name: "add/fixtures/b", size: 1 << 20}, entry{name: "add/fixtures/c", size: 1 << 20})...),
			challenges.ErrArchiveTooLarge, "together"},
		{"tar file and dir", tarGz(t, with(entry{name: "add/fixtures", body: "x"}, entry{name: "add/fixtures/y", body: "y"})...), challenges.ErrArchiveUnsafe, "both"},
		{"zip traversal", zipOf(t, with(entry{name: "../../x", body: "x"})...), challenges.ErrArchiveUnsafe, ".."},
		{"zip absolute", zipOf(t, with(entry{name: "/tmp/x", body: "x"})...), challenges.ErrArchiveUnsafe, "absolute"},
		{"zip backslash", zipOf(t, with(entry{name: "add\\x", body: "x"})...), challenges.ErrArchiveUnsafe, "backslash"},
		{"zip symlink", zipOf(t, with(entry{name: "add/fixtures/l", body: "/etc/passwd", mode: fs.ModeSymlink | 0o777})...), challenges.ErrArchiveUnsafe, "symbolic link"},
		{"zip duplicate", zipOf(t, with(entry{name: "add/prompt.md", body: "again"})...), challenges.ErrArchiveUnsafe, "twice"},
		{"zip too many entries", zipOf(t, with(many...)...), challenges.ErrArchiveTooLarge, "entries"},
		{"zip bomb", zipOf(t, with(entry{name: "add/fixtures/zeros", size: 16 << 20})...), challenges.ErrArchiveTooLarge, "larger than"},
		{"zip encrypted", zipFlags(t, 0x1, zip.Deflate), challenges.ErrArchiveUnsafe, "encrypted"},
		{"zip unknown method", zipFlags(t, 0, 99), challenges.ErrArchiveUnsafe, "method 99"},
		{"two folders", tarGz(t, append(goodEntries("add/"), goodEntries("sub/")...)...), challenges.ErrInvalid, "one challenge folder"},
		{"no manifest", tarGz(t, entry{name: "add/prompt.md", body: "x"}), challenges.ErrInvalid, "no challenge.yaml"},
		{"no files", tarGz(t), challenges.ErrInvalid, "no files"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := challenges.ReadArchive(tc.data, small)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("got %v; want %v saying %q", err, tc.want, tc.says)
			}
		})
	}
}

func gzipOf(b []byte) []byte {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	gz.Write(b)
	gz.Close()
	return buf.Bytes()
}

// zipFlags is a valid one-file zip with its flags and method rewritten in
// both the local and the central header.
func zipFlags(t *testing.T, flags uint16, method uint16) []byte {
	data := zipOf(t, goodEntries("add/")[:1]...)
	out := bytes.Clone(data)
	for _, sig := range []struct {
		magic     string
		flagOff   int
		methodOff int
	}{{"PK\x03\x04", 6, 8}, {"PK\x01\x02", 8, 10}} {
		i := bytes.Index(out, []byte(sig.magic))
		if i < 0 {
			t.Fatalf("no %q header", sig.magic)
		}
		out[i+sig.flagOff] |= byte(flags)
		out[i+sig.methodOff], out[i+sig.methodOff+1] = byte(method), byte(method>>8)
	}
	return out
}
