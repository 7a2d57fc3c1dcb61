package httpfile

import (
	"errors"
	"fmt"
	"sync"

	"github.com/reqs-cli/reqs/pkg/jq"
)

// decodedJSON is the decoded response cache: a response body's JSON form,
// decoded the first time a run asks for it and kept with the response, so
// a body is decoded once however many {{NAME.response.body.$…}}
// references, `?? jq` assertions and scripts read it. An [Exchange] and
// the [Response] a named request leaves share one.
type decodedJSON struct {
	once sync.Once
	v    any
	err  error
}

// get decodes body the first time and returns the same value (or error)
// every time after.
func (d *decodedJSON) get(body []byte) (any, error) {
	d.once.Do(func() { d.v, d.err = decodeBody(body) })
	return d.v, d.err
}

// decodeWholeLimit is the largest body that references and jq
// assertions read decoded whole, once. A larger one would mostly not fit
// the memory budget decoded (a record of a few fields takes 5 to 10
// times its text), so paths into it are followed through its text,
// decoding only what they reach; only an expression that needs the whole
// document decodes it.
const decodeWholeLimit = 8 << 20

// decodeBody decodes a response body as jq reads it (integers as int,
// other numbers as json.Number with the server's digits), holding at
// most about 4× the body in memory (see [jq.Decoder.LimitMemory]).
func decodeBody(body []byte) (any, error) {
	return jq.Unmarshal(body)
}

// JSON returns the response body decoded as JSON: nil, bool, int,
// json.Number, string, []any or map[string]any. The body is decoded on
// the first call only; the value is shared by every caller and must not
// be modified. A body that is not JSON, or whose decoded form would not
// fit the memory budget, is an error.
func (x *Exchange) JSON() (any, error) {
	return x.cache().get(x.Body)
}

// cache returns the exchange's decoded response cache, made on first use.
func (x *Exchange) cache() *decodedJSON {
	if x.decoded == nil {
		x.decoded = &decodedJSON{}
	}
	return x.decoded
}

// JSON returns the response body decoded as JSON, as [Exchange.JSON]
// does: decoded once, shared by the exchange it came from and every
// reference to it, never to be modified.
func (r *Response) JSON() (any, error) {
	if r.decoded == nil {
		r.decoded = &decodedJSON{}
	}
	return r.decoded.get(r.Body)
}

// MaxHeldResponses is the default of [Runner.MaxHeld]: the bodies of the
// named responses one file's run keeps for the requests after it. Each
// may also be decoded once (see [Response.JSON]), which takes up to
// [jq.MemoryBudget] of its size.
const MaxHeldResponses = 256 << 20

// ErrTooManyHeld reports a named response that would take the bodies a
// run keeps past [MaxHeldResponses].
var ErrTooManyHeld = errors.New("named responses held for later requests")

// keepResponse stores the response of a named request for the requests
// after it, so that the bodies held stay within limit bytes; a response
// replaced by a later one of the same name no longer counts.
func keepResponse(vars *Vars, req *Request, x *Exchange, sent *Sent, limit int64) error {
	held := int64(len(x.Body))
	for name, r := range vars.Responses {
		if name != req.Name {
			held += int64(len(r.Body))
		}
	}
	if held > limit {
		delete(vars.Responses, req.Name)
		return fmt.Errorf("%s: the response of %q (%s) would make the %w take more than %s; name only the requests whose responses are read later",
			req.Pos, req.Name, size(int64(len(x.Body))), ErrTooManyHeld, size(limit))
	}
	vars.Responses[req.Name] = &Response{Header: x.Header, Body: x.Body, Sent: sent, decoded: x.cache()}
	return nil
}

// size words a byte count for a message.
func size(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}
