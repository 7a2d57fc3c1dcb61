// Package config finds reqs' configuration directory, reads the config
// file (with viper) and the REQS_* environment, and stores named sessions
// on disk. It is the only package that imports viper.
package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// DirEnv names the variable that overrides the configuration directory.
const DirEnv = "REQS_CONFIG_DIR"

// Dir returns the configuration directory: $REQS_CONFIG_DIR, else
// $XDG_CONFIG_HOME/reqs, else ~/.config/reqs. getenv is os.Getenv outside
// tests. The directory need not exist.
func Dir(getenv func(string) string) (string, error) {
	if d := getenv(DirEnv); d != "" {
		return d, nil
	}
	if d := getenv("XDG_CONFIG_HOME"); d != "" {
		return filepath.Join(d, "reqs"), nil
	}
	home := getenv("HOME")
	if home == "" {
		h, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("cannot find the configuration directory: set %s: %w", DirEnv, err)
		}
		home = h
	}
	if home == "" {
		return "", errors.New("cannot find the configuration directory: set " + DirEnv)
	}
	return filepath.Join(home, ".config", "reqs"), nil
}

// ensurePrivateDir creates dir and its missing parents with mode 0700, as
// sessions hold credentials. Existing directories keep their mode.
func ensurePrivateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create directory: %w", err)
	}
	return nil
}
