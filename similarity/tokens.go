package similarity

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Token is one normalised token and the bytes of the source it came from.
type Token struct {
	Text       string // what is compared: a keyword, a built-in, an operator, "N" (a name), "S", "0"
	Start, End int    // byte offsets in the source, End exclusive
}

// Tokens reduces Python source to normalised tokens: names become "N",
// string literals "S" (an f-string whole), numbers "0"; keywords,
// built-ins and operators stay as written; comments, docstrings (a
// string alone on its line), whitespace and line continuations go. It
// never fails and runs in time linear in the source: anything it does
// not know is one token of its own text.
//
// Not chroma's Python lexer, which the pages use to highlight: its
// backtracking regular expressions took 7m49s on 256 KiB of tabs and
// form feeds (hostile_test.go), about 3 s on 256 KiB of ordinary code, and
// its token values drift from the source's bytes on invalid UTF-8, while
// the positions here must slice the source exactly.
func Tokens(src string) []Token {
	var out []Token
	lineStart := true // only whitespace since the last newline outside brackets
	depth := 0        // bracket depth: newlines inside brackets do not end a line
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '\n':
			if depth == 0 {
				lineStart = true
			}
			i++
			continue
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			i++
			continue
		case c == '\\' && i+1 < len(src) && (src[i+1] == '\n' || src[i+1] == '\r'):
			i += 2 // a line continuation
			continue
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
			continue
		}
		start := i
		first := lineStart
		lineStart = false
		if p, q := stringStart(src, i); q > 0 {
			end := stringEnd(src, i+p, q)
			if !(first && depth == 0 && restOfLineEmpty(src, end)) {
				out = append(out, Token{Text: "S", Start: start, End: end})
			}
			i = end
			continue
		}
		r, size := utf8.DecodeRuneInString(src[i:])
		switch {
		case isNameStart(r):
			i += size
			for i < len(src) {
				r, size := utf8.DecodeRuneInString(src[i:])
				if !isNameStart(r) && !unicode.IsDigit(r) {
					break
				}
				i += size
			}
			word := src[start:i]
			text := "N"
			if keywords[word] || builtins[word] {
				text = word
			}
			out = append(out, Token{Text: text, Start: start, End: i})
		case isDigit(c) || (c == '.' && i+1 < len(src) && isDigit(src[i+1])):
			i = numberEnd(src, i)
			out = append(out, Token{Text: "0", Start: start, End: i})
		default:
			op := operator(src[i:])
			if op == "" {
				op = src[i : i+size] // unknown: itself (an invalid byte is one)
			}
			switch op {
			case "(", "[", "{":
				depth++
			case ")", "]", "}":
				depth = max(depth-1, 0)
			}
			i += len(op)
			out = append(out, Token{Text: op, Start: start, End: i})
		}
	}
	return out
}

// stringStart returns the length of a string literal's prefix (r, b, f,
// rb...) and of its opening quote (1 or 3) at src[i:]; q is 0 when no
// string starts there.
func stringStart(src string, i int) (p, q int) {
	j := i
	for j < len(src) && j-i < 2 && strings.IndexByte("rRbBuUfF", src[j]) >= 0 {
		j++
	}
	if j < len(src) && (src[j] == '"' || src[j] == '\'') {
		if j > i && !validPrefix(strings.ToLower(src[i:j])) {
			return 0, 0
		}
		return j - i, quoteLen(src, j)
	}
	return 0, 0
}

func validPrefix(p string) bool {
	switch p {
	case "r", "b", "u", "f", "rb", "br", "fr", "rf":
		return true
	}
	return false
}

// quoteLen is 3 for a triple quote at src[j], else 1.
func quoteLen(src string, j int) int {
	if j+2 < len(src) && src[j+1] == src[j] && src[j+2] == src[j] {
		return 3
	}
	return 1
}

// stringEnd returns the end of the string literal whose opening quote (n
// characters) is at src[q]: after the closing quote, at the end of the
// line for an unterminated one-line string, or at the end of the source.
func stringEnd(src string, q, n int) int {
	quote := src[q]
	for i := q + n; i < len(src); i++ {
		switch src[i] {
		case '\\':
			i++ // escapes the next byte, even in a raw string's quotes
		case '\n':
			if n == 1 {
				return i
			}
		case quote:
			if n == 1 {
				return i + 1
			}
			if i+2 < len(src) && src[i+1] == quote && src[i+2] == quote {
				return i + 3
			}
		}
	}
	return len(src)
}

// restOfLineEmpty reports whether only blanks or a comment follow src[i:]
// on its line: a string there stands alone (a docstring).
func restOfLineEmpty(src string, i int) bool {
	for ; i < len(src); i++ {
		switch src[i] {
		case ' ', '\t', '\r', '\f':
		case '\n', '#':
			return true
		default:
			return false
		}
	}
	return true
}

func numberEnd(src string, i int) int {
	for i < len(src) {
		c := src[i]
		switch {
		case isDigit(c) || c == '_' || c == '.' || (c|0x20 >= 'a' && c|0x20 <= 'z'):
			i++
		case (c == '+' || c == '-') && (src[i-1]|0x20 == 'e') && !strings.HasPrefix(strings.ToLower(src[:i]), "0x"):
			i++
		default:
			return i
		}
	}
	return i
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isNameStart(r rune) bool {
	return r == '_' || (r < utf8.RuneSelf && (r|0x20 >= 'a' && r|0x20 <= 'z')) || (r >= utf8.RuneSelf && r != utf8.RuneError && unicode.IsLetter(r))
}

// operators, longest first.
var operators = [...]string{
	"**=", "//=", ">>=", "<<=", "...",
	"->", ":=", "**", "//", "<<", ">>", "<=", ">=", "==", "!=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=",
	"+", "-", "*", "/", "%", "@", "&", "|", "^", "~", "<", ">", "(", ")", "[", "]", "{", "}", ",", ":", ";", ".", "=", "!",
}

func operator(s string) string {
	for _, op := range operators {
		if strings.HasPrefix(s, op) {
			return op
		}
	}
	return ""
}

// keywords are Python's (soft keywords included): structure, kept.
var keywords = setOf("False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield match case type")

// builtins are names a candidate does not choose: renaming leaves them,
// and which ones a solution calls tells solutions apart. self and cls are
// conventions, kept like them.
var builtins = setOf("abs aiter all anext any ascii bin bool breakpoint bytearray bytes callable chr classmethod compile complex delattr dict dir divmod enumerate eval exec filter float format frozenset getattr globals hasattr hash help hex id input int isinstance issubclass iter len list locals map max memoryview min next object oct open ord pow print property range repr reversed round set setattr slice sorted staticmethod str sum super tuple type vars zip " +
	"BaseException Exception ArithmeticError AssertionError AttributeError KeyError IndexError LookupError NotImplementedError RuntimeError StopIteration TypeError ValueError ZeroDivisionError OSError TimeoutError ConnectionError KeyboardInterrupt SystemExit GeneratorExit NotImplemented Ellipsis " +
	"self cls")

func setOf(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}
