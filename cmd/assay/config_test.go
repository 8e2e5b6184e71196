package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"
)

func TestConfigPrecedence(t *testing.T) {
	env := map[string]string{"ASSAY_ADDR": "127.0.0.1:9000", "ASSAY_WORKERS": "3", "ASSAY_LEASE": "45s"}
	cfg, rest, err := parseConfig("serve", []string{"-addr", ":7000", "extra"}, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != ":7000" || cfg.Workers != 3 || cfg.Lease != 45*time.Second || cfg.MaxTime != 2*time.Minute || cfg.Image != "assay/python:latest" || cfg.WorkerID == "" {
		t.Errorf("%+v", cfg)
	}
	env["ASSAY_MAX_MEMORY_MB"] = "512"
	cfg, _, _ = parseConfig("serve", nil, func(k string) string { return env[k] }, io.Discard)
	if _, ceiling := cfg.limits(); ceiling.MemoryBytes != 512<<20 {
		t.Errorf("memory ceiling %d", ceiling.MemoryBytes)
	}
	env["ASSAY_CHECK_RUNTIMES"] = " runc, runsc,"
	if cfg, _, err := parseConfig("serve", nil, func(k string) string { return env[k] }, io.Discard); err != nil || strings.Join(cfg.CheckRuntimes, "+") != "runc+runsc" {
		t.Errorf("check runtimes %q, %v", cfg.CheckRuntimes, err)
	}
	if len(rest) != 1 || rest[0] != "extra" {
		t.Errorf("rest %v", rest)
	}
}

func TestConfigRefusesBadValues(t *testing.T) {
	for env, msg := range map[string]string{
		"ASSAY_WORKERS":          "1 to 256",
		"ASSAY_LEASE":            "at least 1s",
		"ASSAY_RUNTIME":          "runc or runsc",
		"ASSAY_CHECK_RUNTIMES":   "runc or runsc",
		"ASSAY_LOG_FORMAT":       "json or text",
		"ASSAY_ADMIN_TOKEN":      "16 characters",
		"ASSAY_MAX_MEMORY_MB":    "at least 32",
		"ASSAY_MAX_CPUS":         "0.1 to 256",
		"ASSAY_MAX_PIDS":         "at least 8",
		"ASSAY_REFERENCE_TIMING": "on or off",
	} {
		_, _, err := parseConfig("serve", nil, func(k string) string {
			if k == env {
				return "0"
			}
			return ""
		}, io.Discard)
		if err == nil || !strings.Contains(err.Error(), msg) || !strings.Contains(err.Error(), env) {
			t.Errorf("%s=0: err %v; want one naming the variable and %q", env, err, msg)
		}
	}
}

func TestReferenceTimingIsOnUnlessTurnedOff(t *testing.T) {
	for value, want := range map[string]bool{"": true, "on": true, "off": false} {
		cfg, _, err := parseConfig("serve", nil, func(k string) string {
			if k == "ASSAY_REFERENCE_TIMING" {
				return value
			}
			return ""
		}, io.Discard)
		if err != nil || cfg.RefTiming != want {
			t.Errorf("ASSAY_REFERENCE_TIMING=%q: RefTiming %v, err %v; want %v", value, cfg.RefTiming, err, want)
		}
	}
}

func TestHelpListsEverySetting(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"help"}, func(string) string { return "" }, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, s := range settings() {
		if !strings.Contains(out.String(), s.env) || !strings.Contains(out.String(), "-"+s.flag) {
			t.Errorf("help lacks %s / -%s", s.env, s.flag)
		}
	}
	if err := run(context.Background(), []string{"nonsense"}, func(string) string { return "" }, io.Discard, io.Discard); err == nil {
		t.Error("an unknown command was accepted")
	}
}
