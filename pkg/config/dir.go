// Package config finds reqs' configuration directory and reads the config
// file (with viper) and the REQS_* environment. It is the only package
// that imports viper; session files are package sessionfile's.
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
