package challenges

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"

	"assay/runner"
)

// Catalog is a set of challenges ready to be served: each has a fresh
// expected.json, so every run can be checked against its expected tests.
type Catalog struct {
	bySlug   map[string]*Challenge
	defaults runner.Limits
	ceiling  runner.Limits
}

// LoadAll loads every folder of fsys that holds a challenge.yaml.
func LoadAll(fsys fs.FS) ([]*Challenge, error) {
	dirs, err := fs.Glob(fsys, "*/"+ManifestFile)
	if err != nil {
		return nil, fmt.Errorf("list challenges: %w", err)
	}
	var out []*Challenge
	var errs []error
	for _, m := range dirs {
		c, err := Load(fsys, path.Dir(m))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, c)
	}
	return out, errors.Join(errs...)
}

// NewCatalog builds a catalog. Later challenges replace earlier ones with
// the same slug, so a configured directory can override the built-ins.
// It refuses challenges whose expected.json is missing or stale.
func NewCatalog(list []*Challenge, defaults, ceiling runner.Limits) (*Catalog, error) {
	c := &Catalog{bySlug: map[string]*Challenge{}, defaults: defaults, ceiling: ceiling}
	var errs []error
	for _, ch := range list {
		if !ch.Fresh() {
			errs = append(errs, fmt.Errorf("%w: %s: %s is missing or stale: run `assay challenges check --write` on it", ErrInvalid, ch.Slug, ExpectedFile))
			continue
		}
		c.bySlug[ch.Slug] = ch
	}
	return c, errors.Join(errs...)
}

// List returns the challenges sorted by slug.
func (c *Catalog) List() []*Challenge {
	out := make([]*Challenge, 0, len(c.bySlug))
	for _, ch := range c.bySlug {
		out = append(out, ch)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Slug < out[j].Slug })
	return out
}

// Get returns the current version of a challenge.
func (c *Catalog) Get(slug string) (*Challenge, error) {
	ch, ok := c.bySlug[slug]
	if !ok {
		return nil, fmt.Errorf("challenge %q: %w", slug, runner.ErrNotFound)
	}
	return ch, nil
}

// Suite implements runner.Suites.
func (c *Catalog) Suite(_ context.Context, slug, version string) (runner.Suite, error) {
	ch, err := c.Get(slug)
	if err != nil {
		return runner.Suite{}, err
	}
	if ch.Version != version {
		return runner.Suite{}, fmt.Errorf("challenge %s version %s (current is %s): %w", slug, version, ch.Version, runner.ErrNotFound)
	}
	return SuiteOf(ch, c.defaults, c.ceiling), nil
}

// SuiteOf is the suite a submission to ch is graded with.
func SuiteOf(ch *Challenge, defaults, ceiling runner.Limits) runner.Suite {
	s := runner.Suite{
		Challenge: ch.Slug,
		Version:   ch.Version,
		Entry:     ch.Files,
		Files:     ch.SandboxFiles(),
		Limits:    ch.Limits(defaults, ceiling),
		Image:     ch.Image,
		// A "tests" challenge's hidden tests run the candidate's tests in
		// a program of their own.
		HiddenPrograms: ch.Kind == KindTests,
		Reference:      ch.Reference,
	}
	if ch.Fresh() {
		s.ReferenceMS = make(map[string]float64, len(ch.Expected.Tests))
		for _, t := range ch.Expected.Tests {
			s.Expected = append(s.Expected, t.ID)
			s.ReferenceMS[t.ID] = t.ReferenceMS
		}
		s.Weights = ch.Expected.Weights()
	}
	return s
}
