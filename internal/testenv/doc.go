// Package testenv starts and reaches the real parts (Redis, Docker) for
// tests; in CI a missing part fails the test instead of skipping it.
package testenv
