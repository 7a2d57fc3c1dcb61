package httpfile

import (
	"time"

	"github.com/reqs-cli/reqs/pkg/httpfile/script"
)

// NeverGiveUpScripts makes r's engine wait as long as it takes for an
// interrupted script to stop, for tests whose scripts are stopped by a
// budget: on a loaded machine a stopped script may take long to be
// scheduled again, and only the tests of giving up may depend on how
// long.
func NeverGiveUpScripts(r *Runner) {
	r.newEngine = func(o script.Options) *script.Engine {
		o.Grace = time.Hour
		return script.New(o)
	}
}
