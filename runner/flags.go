package runner

import (
	"regexp"
	"sort"
)

// flagRules are source patterns that honest solutions to Assay's
// challenges have no reason to contain, and that tampering with pytest or
// the sandbox needs. A match does not change the verdict: it tells the
// interviewer where to look. Obfuscated code can avoid any list like this,
// which is why the dynamic patterns (exec, __import__, ctypes) are here too.
var flagRules = []struct {
	name string
	re   *regexp.Regexp
}{
	{"touches pytest internals", regexp.MustCompile(`\b_pytest\b|\bpluggy\b|pytest_runtest|pluginmanager|junitxml|sys\.modules\s*\[\s*['"]_?pytest|\bassay_\w+|_durations\b`)},
	{"walks interpreter objects or frames", regexp.MustCompile(`\bgc\.get_(objects|referrers|referents)\b|sys\._getframe|\binspect\.(stack|currentframe|getouterframes)\b|\bf_back\b|\bf_globals\b|\bf_locals\b|\b__closure__\b|\bcell_contents\b`)},
	{"runs code built at run time", regexp.MustCompile(`(^|[^.\w])(exec|eval|compile)\s*\(|\b__import__\s*\(|importlib\.import_module|\bbuiltins\b|__builtins__|__subclasses__`)},
	{"uses ctypes or native code", regexp.MustCompile(`\bctypes\b|\bcffi\b|\bmmap\b`)},
	{"reads or writes the test files or the report", regexp.MustCompile(`tests/(hidden|visible)|\bconftest\b|\.assay-|junit|\bglob\.glob\s*\(\s*['"]/(work|tmp)`)},
	{"inspects processes or signals", regexp.MustCompile(`/proc/|os\.kill\s*\(|os\.killpg|signal\.(SIGKILL|SIGTERM|SIGSTOP)|os\._exit\s*\(|\bsys\.exit\s*\(|\batexit\b|os\.setsid`)},
	{"opens network connections", regexp.MustCompile(`\bsocket\b|\burllib\b|\bhttp\.client\b|\brequests\b`)},
}

// Flags lists what in the candidate's files deserves an interviewer's
// look, as "file: reason".
func Flags(files map[string]string) []string {
	var out []string
	for name, src := range files {
		for _, r := range flagRules {
			if r.re.MatchString(src) {
				out = append(out, name+": "+r.name)
			}
		}
	}
	sort.Strings(out)
	return out
}
