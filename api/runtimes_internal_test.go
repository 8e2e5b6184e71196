package api

import "testing"

func TestFormatUS(t *testing.T) {
	for us, want := range map[float64]string{
		0: "–", -1: "–", 0.4: "0.4 µs", 9.94: "9.9 µs", 9.96: "10 µs", 10: "10 µs", 412.345: "412 µs", 999.4: "999 µs",
		999.6: "1.0 ms", 3210: "3.2 ms", 9940: "9.9 ms", 9960: "10 ms",
		48_000: "48 ms", 999_400: "999 ms", 999_600: "1.0 s", 1_400_000: "1.4 s", 125e6: "125.0 s",
	} {
		if got := formatUS(us); got != want {
			t.Errorf("formatUS(%v) = %q; want %q", us, got, want)
		}
	}
}

func TestFormatRatio(t *testing.T) {
	for r, want := range map[float64]string{
		0: "–", 0.05: "0.05×", 0.1: "0.1×", 1: "1.0×", 1.84: "1.8×", 99.4: "99.4×", 99.96: "100×", 1234: "1234×",
	} {
		if got := formatRatio(r); got != want {
			t.Errorf("formatRatio(%v) = %q; want %q", r, got, want)
		}
	}
}
