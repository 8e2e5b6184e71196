package challenges

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"testing/fstest"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Sentinel errors of ReadArchive, for callers that map them to statuses.
var (
	// ErrArchiveType marks a body that is neither a tar.gz nor a zip.
	ErrArchiveType = errors.New("not a tar.gz or zip archive")
	// ErrArchiveTooLarge marks an archive over one of ArchiveLimits.
	ErrArchiveTooLarge = errors.New("archive too large")
	// ErrArchiveUnsafe marks an archive that is corrupt or holds what a
	// challenge may not: links, devices, paths out of the folder,
	// duplicates, encrypted entries.
	ErrArchiveUnsafe = errors.New("archive refused")
)

// ArchiveLimits bound what ReadArchive inflates. Zero values take the
// defaults.
type ArchiveLimits struct {
	MaxEntries   int   // entries, directories included; default 1000
	MaxFileBytes int64 // one file, uncompressed; default 16 MiB
	MaxTotal     int64 // every file together, uncompressed; default 32 MiB
}

// Defaults of ArchiveLimits.
const (
	DefaultMaxEntries   = 1000
	DefaultMaxFileBytes = 16 << 20
	DefaultMaxTotal     = 32 << 20
)

func (l ArchiveLimits) withDefaults() ArchiveLimits {
	if l.MaxEntries <= 0 {
		l.MaxEntries = DefaultMaxEntries
	}
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = DefaultMaxFileBytes
	}
	if l.MaxTotal <= 0 {
		l.MaxTotal = DefaultMaxTotal
	}
	return l
}

// Archive formats ReadArchive knows, by their first bytes.
var (
	gzipMagic = []byte{0x1f, 0x8b}
	zipMagic  = []byte("PK\x03\x04")
	zipEmpty  = []byte("PK\x05\x06")
)

// ArchiveKind names the format of data by its magic bytes: "tar.gz",
// "zip", or "" for anything else.
func ArchiveKind(data []byte) string {
	switch {
	case bytes.HasPrefix(data, gzipMagic):
		return "tar.gz"
	case bytes.HasPrefix(data, zipMagic), bytes.HasPrefix(data, zipEmpty):
		return "zip"
	}
	return ""
}

// ReadArchive unpacks a challenge folder from a tar.gz or zip archive,
// entirely in memory: nothing is written to disk. The archive holds one
// challenge, either at its root (challenge.yaml at the top) or in one
// top-level folder named after the slug. It returns an in-memory file
// system holding the folder and the folder's name, ready for Load.
//
// Only regular files and directories are accepted, with relative,
// slash-separated paths that stay inside the folder; each file is counted
// as it is inflated, so an archive bomb stops at the limit, whatever its
// headers claim. Errors wrap ErrArchiveType, ErrArchiveTooLarge or
// ErrArchiveUnsafe.
func ReadArchive(data []byte, lim ArchiveLimits) (fstest.MapFS, string, error) {
	lim = lim.withDefaults()
	var files map[string][]byte
	var err error
	switch ArchiveKind(data) {
	case "tar.gz":
		files, err = readTarGz(data, lim)
	case "zip":
		files, err = readZip(data, lim)
	default:
		return nil, "", fmt.Errorf("%w: the body starts with neither the gzip nor the zip signature", ErrArchiveType)
	}
	if err != nil {
		return nil, "", err
	}
	return folder(files)
}

// budget counts what an archive inflates against its limits.
type budget struct {
	lim     ArchiveLimits
	entries int
	total   int64
	files   map[string][]byte
	dirs    map[string]bool
}

func newBudget(lim ArchiveLimits) *budget {
	return &budget{lim: lim, files: map[string][]byte{}, dirs: map[string]bool{}}
}

// entry admits one more entry of the archive.
func (b *budget) entry() error {
	b.entries++
	if b.entries > b.lim.MaxEntries {
		return fmt.Errorf("%w: more than %d entries", ErrArchiveTooLarge, b.lim.MaxEntries)
	}
	return nil
}

// dir records a directory entry.
func (b *budget) dir(name string) error {
	p, err := entryPath(name)
	if err != nil {
		return err
	}
	if _, ok := b.files[p]; ok {
		return fmt.Errorf("%w: %s is both a file and a directory", ErrArchiveUnsafe, p)
	}
	b.dirs[p] = true
	return nil
}

// file reads one regular file from r, counting every byte against the
// per-file and total limits: it stops one byte past a limit.
func (b *budget) file(name string, r io.Reader) error {
	p, err := entryPath(name)
	if err != nil {
		return err
	}
	if _, ok := b.files[p]; ok {
		return fmt.Errorf("%w: %s appears twice", ErrArchiveUnsafe, p)
	}
	if b.dirs[p] {
		return fmt.Errorf("%w: %s is both a file and a directory", ErrArchiveUnsafe, p)
	}
	allowed := min(b.lim.MaxFileBytes, b.lim.MaxTotal-b.total)
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(r, allowed+1))
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrArchiveUnsafe, p, err)
	}
	if n > allowed {
		if b.lim.MaxFileBytes <= b.lim.MaxTotal-b.total {
			return fmt.Errorf("%w: %s is larger than %d bytes", ErrArchiveTooLarge, p, b.lim.MaxFileBytes)
		}
		return fmt.Errorf("%w: the files together are larger than %d bytes", ErrArchiveTooLarge, b.lim.MaxTotal)
	}
	b.total += n
	b.files[p] = buf.Bytes()
	return nil
}

// entryPath checks an entry's name and returns it as a clean relative
// path. A leading "./" (tar -C dir .) is allowed; nothing else unusual is.
func entryPath(name string) (string, error) {
	bad := func(why string) (string, error) {
		return "", fmt.Errorf("%w: entry %q: %s", ErrArchiveUnsafe, name, why)
	}
	switch {
	case name == "" || len(name) > 512:
		return bad("the name is empty or too long")
	case !utf8.ValidString(name):
		return bad("the name is not UTF-8")
	case strings.ContainsRune(name, '\\'):
		return bad("backslashes are not allowed in paths")
	case strings.HasPrefix(name, "/"):
		return bad("absolute paths are not allowed")
	case len(name) >= 2 && name[1] == ':':
		return bad("drive letters are not allowed")
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return bad("control characters are not allowed in paths")
		}
	}
	p := strings.TrimSuffix(name, "/")
	for strings.HasPrefix(p, "./") {
		p = p[2:]
	}
	for _, el := range strings.Split(p, "/") {
		if el == ".." {
			return bad("paths may not leave the folder (..)")
		}
	}
	if p == "." || p == "" {
		return ".", nil // the archive's root directory
	}
	if !fs.ValidPath(p) {
		return bad("the path is not clean (empty or . elements)")
	}
	return p, nil
}

func readTarGz(data []byte, lim ArchiveLimits) (map[string][]byte, error) {
	gz, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: gzip: %w", ErrArchiveUnsafe, err)
	}
	defer gz.Close()
	// Headers, padding and PAX records inflate too: bound the whole stream,
	// not only the files' contents.
	stream := &capReader{r: gz, left: lim.MaxTotal + int64(lim.MaxEntries+4)*2048 + 1<<20}
	tr := tar.NewReader(stream)
	b := newBudget(lim)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if errors.Is(err, tar.ErrInsecurePath) {
			err = nil // entryPath says what is wrong with it
		}
		if err != nil {
			if errors.Is(err, ErrArchiveTooLarge) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: tar: %w", ErrArchiveUnsafe, err)
		}
		if err := b.entry(); err != nil {
			return nil, err
		}
		switch h.Typeflag {
		case tar.TypeDir:
			if h.Size != 0 {
				return nil, fmt.Errorf("%w: directory %q has contents", ErrArchiveUnsafe, h.Name)
			}
			if err := b.dir(h.Name); err != nil {
				return nil, err
			}
		case tar.TypeReg, tar.TypeRegA: //nolint:staticcheck // old tars still write '\x00'
			if strings.HasSuffix(h.Name, "/") {
				return nil, fmt.Errorf("%w: file %q has a directory's name", ErrArchiveUnsafe, h.Name)
			}
			if err := b.file(h.Name, tr); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("%w: %q is a %s, not a regular file or directory", ErrArchiveUnsafe, h.Name, tarType(h.Typeflag))
		}
	}
	return b.files, nil
}

func tarType(t byte) string {
	switch t {
	case tar.TypeSymlink:
		return "symbolic link"
	case tar.TypeLink:
		return "hard link"
	case tar.TypeChar, tar.TypeBlock:
		return "device"
	case tar.TypeFifo:
		return "named pipe"
	}
	return fmt.Sprintf("tar entry of type %q", t)
}

// capReader fails with ErrArchiveTooLarge once more than left bytes were read.
type capReader struct {
	r    io.Reader
	left int64
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, fmt.Errorf("%w: the archive inflates to too much", ErrArchiveTooLarge)
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

func readZip(data []byte, lim ArchiveLimits) (map[string][]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if errors.Is(err, zip.ErrInsecurePath) {
		err = nil // entryPath says which entry and why
	}
	if err != nil {
		return nil, fmt.Errorf("%w: zip: %w", ErrArchiveUnsafe, err)
	}
	if len(zr.File) > lim.MaxEntries {
		return nil, fmt.Errorf("%w: more than %d entries", ErrArchiveTooLarge, lim.MaxEntries)
	}
	b := newBudget(lim)
	for _, f := range zr.File {
		if err := b.entry(); err != nil {
			return nil, err
		}
		mode := f.Mode()
		switch {
		case f.Flags&0x1 != 0:
			return nil, fmt.Errorf("%w: %q is encrypted", ErrArchiveUnsafe, f.Name)
		case f.Method != zip.Store && f.Method != zip.Deflate:
			return nil, fmt.Errorf("%w: %q uses compression method %d (only stored and deflated entries are read)", ErrArchiveUnsafe, f.Name, f.Method)
		case mode.Type()&^fs.ModeDir != 0:
			return nil, fmt.Errorf("%w: %q is a %s, not a regular file or directory", ErrArchiveUnsafe, f.Name, zipType(mode))
		case mode.IsDir(): // the name ends in a slash, or the attributes say so
			if f.UncompressedSize64 != 0 {
				return nil, fmt.Errorf("%w: directory %q has contents", ErrArchiveUnsafe, f.Name)
			}
			if err := b.dir(f.Name); err != nil {
				return nil, err
			}
		default:
			rc, err := f.Open()
			if err != nil {
				return nil, fmt.Errorf("%w: %q: %w", ErrArchiveUnsafe, f.Name, err)
			}
			err = b.file(f.Name, rc)
			rc.Close()
			if err != nil {
				return nil, err
			}
		}
	}
	return b.files, nil
}

func zipType(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "symbolic link"
	case m&(fs.ModeDevice|fs.ModeCharDevice) != 0:
		return "device"
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	}
	return "special file (" + m.Type().String() + ")"
}

// folder finds the one challenge folder among an archive's files: at the
// root, where the manifest's slug names it, or in one top-level folder.
func folder(files map[string][]byte) (fstest.MapFS, string, error) {
	if len(files) == 0 {
		return nil, "", fmt.Errorf("%w: the archive holds no files", ErrInvalid)
	}
	var dir, prefix string
	if manifest, ok := files[ManifestFile]; ok {
		var m struct {
			Slug string `yaml:"slug"`
		}
		if err := yaml.Unmarshal(manifest, &m); err != nil || !slugRE.MatchString(m.Slug) {
			return nil, "", fmt.Errorf("%w: %s at the archive's root: it must name the challenge's slug (lower-case letters, digits and dashes)", ErrInvalid, ManifestFile)
		}
		dir = m.Slug
	} else {
		tops := map[string]bool{}
		for p := range files {
			top, _, _ := strings.Cut(p, "/")
			tops[top] = true
		}
		if len(tops) != 1 {
			names := slices.Sorted(maps.Keys(tops))
			return nil, "", fmt.Errorf("%w: the archive must hold one challenge folder, with %s at its root or in one top-level folder; found %s", ErrInvalid, ManifestFile, strings.Join(names, ", "))
		}
		for t := range tops {
			dir, prefix = t, t+"/"
		}
		if _, ok := files[prefix+ManifestFile]; !ok {
			return nil, "", fmt.Errorf("%w: %s has no %s", ErrInvalid, dir, ManifestFile)
		}
	}
	out := make(fstest.MapFS, len(files))
	for p, data := range files {
		for parent := path.Dir(p); parent != "."; parent = path.Dir(parent) {
			if _, ok := files[parent]; ok {
				return nil, "", fmt.Errorf("%w: %s is both a file and a directory", ErrArchiveUnsafe, parent)
			}
		}
		out[path.Join(dir, strings.TrimPrefix(p, prefix))] = &fstest.MapFile{Data: data, Mode: 0o644}
	}
	return out, dir, nil
}
