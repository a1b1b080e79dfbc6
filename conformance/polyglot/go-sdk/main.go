// Harness for Plivo's Go SDK (github.com/plivo/plivo-go/v7), built from its source tree (the
// runner writes a go.mod with a replace directive to `<sdk>/plivo-go`; see ../matrix/rows.py).
//
// The SDK sends voice requests (MPC included) to a fixed host over https whatever the client's
// BaseUrl says (baseclient.go, ExecuteRequest), so the http.Client it is given has a transport
// that sends each request to the current base URL instead: its scheme, host and port, and its
// path (the example's `/__example/NAME`) before the SDK's path.
// The parse is printed field by field from the SDK's structs by reflection, under their json
// tag names (an untagged field in lower case), every field included (the tags' omitempty would hide a false or 0 the API sent);
// a Go field cannot tell a missing key from its zero value, so both print as that value.
package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"strings"

	plivo "github.com/plivo/plivo-go/v7"
)

type operation struct {
	ID         string          `json:"id"`
	PathParams [][2]string     `json:"path_params"`
	Body       json.RawMessage `json:"body"`
	Query      [][2]any        `json:"query"`
	Examples   []struct {
		Name string `json:"name"`
		URL  string `json:"url"`
	} `json:"examples"`
}

// sdkConfig is the harness config (call and config: ../go-common/config.go), or the operations
// config, which has operations too.
type sdkConfig struct {
	config
	Operations []operation `json:"operations"`
}

// redirect sends every request to base (scheme, host, port, path prefix), keeping the SDK's
// own path (as it encoded it), query, headers and body.
type redirect struct{ base *url.URL }

func (r *redirect) RoundTrip(req *http.Request) (*http.Response, error) {
	target := strings.TrimRight(r.base.String(), "/") + req.URL.EscapedPath()
	if req.URL.RawQuery != "" {
		target += "?" + req.URL.RawQuery
	}
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	out := req.Clone(req.Context())
	out.URL, out.Host = u, u.Host
	return http.DefaultTransport.RoundTrip(out)
}

// plain is a value of the SDK's structs as JSON: struct fields under their json tag names
// (embedded structs flattened), pointers followed, nil as null.
func plain(v reflect.Value) interface{} {
	switch v.Kind() {
	case reflect.Ptr, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return plain(v.Elem())
	case reflect.Slice:
		if v.IsNil() {
			return nil
		}
		out := make([]interface{}, v.Len())
		for i := range out {
			out[i] = plain(v.Index(i))
		}
		return out
	case reflect.Struct:
		out := map[string]interface{}{}
		fields(v, out)
		return out
	default:
		return v.Interface()
	}
}

func fields(v reflect.Value, out map[string]interface{}) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			fields(v.Field(i), out)
			continue
		}
		if !f.IsExported() {
			continue
		}
		name := strings.Split(f.Tag.Get("json"), ",")[0]
		if name == "-" {
			continue
		}
		if name == "" {
			// Untagged: encoding/json matches the key case-insensitively (Limit reads
			// "limit"), so the field is shown under the API's lower-case spelling.
			name = strings.ToLower(f.Name)
		}
		out[name] = plain(v.Field(i))
	}
}

func listing(c *plivo.Client, by, mpc string, callUUID *string) (interface{}, error) {
	who := plivo.MultiPartyCallBasicParams{}
	if by == "name" {
		who.FriendlyName = mpc
	} else {
		who.MpcUuid = mpc
	}
	params := plivo.MultiPartyCallListParticipantParams{}
	if callUUID != nil {
		params.CallUuid = *callUUID
	}
	page, err := c.MultiPartyCall.ListParticipants(who, params)
	if err != nil {
		return nil, err
	}
	return plain(reflect.ValueOf(page)), nil
}

// target is what an operation addresses: the MPC (by name or uuid) and the member, from the
// path values.
type target struct {
	mpc    plivo.MultiPartyCallBasicParams
	member plivo.MultiPartyCallParticipantParams
}

// args fills the SDK's parameter struct from the body example and the query, by the struct's
// json tags (the API's names); a field it has none for is left out (the runner then finds it
// missing from the request). A value that does not fit its field is the returned error.
func args[T any](op operation, query [][2]any) (T, error) {
	var params T
	fields := map[string]any{}
	if len(op.Body) > 0 && string(op.Body) != "null" {
		if err := json.Unmarshal(op.Body, &fields); err != nil {
			return params, err
		}
	}
	for _, q := range query {
		fields[q[0].(string)] = q[1]
	}
	raw, err := json.Marshal(fields)
	if err == nil {
		err = json.Unmarshal(raw, &params)
	}
	wholeNumbers(reflect.ValueOf(&params).Elem())
	return params, err
}

// wholeNumbers makes a whole number in an interface{} field an int, as a Go caller writes it
// (RingTimeout: 45): encoding/json decodes every number there as float64, which the SDK's
// validation refuses with log.Fatal.
func wholeNumbers(v reflect.Value) {
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		if f.Kind() != reflect.Interface || f.IsNil() || !f.CanSet() {
			continue
		}
		if n, ok := f.Interface().(float64); ok && n == float64(int(n)) {
			f.Set(reflect.ValueOf(int(n)))
		}
	}
}

// send runs an SDK method with the error of filling its arguments, if any: the SDK still sends
// what did fit.
func send[T any](op operation, query [][2]any, method func(T) (any, error)) (any, error) {
	params, fill := args[T](op, query)
	answer, err := method(params)
	if err != nil {
		return nil, err
	}
	if fill != nil {
		return nil, fmt.Errorf("the SDK's %T cannot hold the spec's example: %v", params, fill)
	}
	return answer, nil
}

// handler calls one SDK method for an operation: the MPC and member from its path values, its
// parameter struct (if any) from the body example and the query. It returns what the method
// returned as JSON (plain), nil for a method that returns only an error.
type handler func(s *plivo.MultiPartyCallService, t target, op operation, q [][2]any) (any, error)

// answer is an SDK method's result as JSON with its json tag names.
func answer[R any](r R, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return plain(reflect.ValueOf(r)), nil
}

type service = plivo.MultiPartyCallService
type mpcID = plivo.MultiPartyCallBasicParams
type memberID = plivo.MultiPartyCallParticipantParams

// The shapes of the SDK's methods (as method expressions), each made a handler.
func onMpc(f func(*service, mpcID) error) handler {
	return func(s *service, t target, _ operation, _ [][2]any) (any, error) { return nil, f(s, t.mpc) }
}

func onMember(f func(*service, memberID) error) handler {
	return func(s *service, t target, _ operation, _ [][2]any) (any, error) { return nil, f(s, t.member) }
}

func getMpc[R any](f func(*service, mpcID) (R, error)) handler {
	return func(s *service, t target, _ operation, _ [][2]any) (any, error) { return answer(f(s, t.mpc)) }
}

func getMember[R any](f func(*service, memberID) (R, error)) handler {
	return func(s *service, t target, _ operation, _ [][2]any) (any, error) { return answer(f(s, t.member)) }
}

func mpcWith[T, R any](f func(*service, mpcID, T) (R, error)) handler {
	return func(s *service, t target, op operation, q [][2]any) (any, error) {
		return send(op, q, func(p T) (any, error) { return answer(f(s, t.mpc, p)) })
	}
}

func memberWith[T, R any](f func(*service, memberID, T) (R, error)) handler {
	return func(s *service, t target, op operation, q [][2]any) (any, error) {
		return send(op, q, func(p T) (any, error) { return answer(f(s, t.member, p)) })
	}
}

func memberWithOptional[T any](f func(*service, memberID, ...T) error) handler {
	return func(s *service, t target, op operation, q [][2]any) (any, error) {
		return send(op, q, func(p T) (any, error) { return nil, f(s, t.member, p) })
	}
}

// methods: each operation of the spec that the SDK implements, as its MultiPartyCall method,
// by the operationId without its ByName/ByUuid ending; an operation missing here has no method
// in the SDK.
var methods = map[string]handler{
	"listMpcs": func(s *service, _ target, op operation, q [][2]any) (any, error) {
		return send(op, q, func(p plivo.MultiPartyCallListParams) (any, error) { return answer(s.List(p)) })
	},
	"getMpc":                     getMpc((*service).Get),
	"startMpc":                   onMpc((*service).Start),
	"endMpc":                     onMpc((*service).Stop),
	"startMpcRecording":          mpcWith((*service).StartRecording),
	"stopMpcRecording":           onMpc((*service).StopRecording),
	"pauseMpcRecording":          onMpc((*service).PauseRecording),
	"resumeMpcRecording":         onMpc((*service).ResumeRecording),
	"addParticipant":             mpcWith((*service).AddParticipant),
	"listParticipants":           mpcWith((*service).ListParticipants),
	"getParticipant":             getMember((*service).GetParticipant),
	"updateParticipant":          memberWith((*service).UpdateParticipant),
	"kickParticipant":            onMember((*service).KickParticipant),
	"startParticipantRecording":  memberWith((*service).StartParticipantRecording),
	"stopParticipantRecording":   memberWithOptional((*service).StopParticipantRecording),
	"pauseParticipantRecording":  memberWithOptional((*service).PauseParticipantRecording),
	"resumeParticipantRecording": memberWithOptional((*service).ResumeParticipantRecording),
	"startPlayAudio":             memberWith((*service).StartPlayAudio),
	"stopPlayAudio":              onMember((*service).StopPlayAudio),
	"startSpeak":                 memberWith((*service).StartSpeak),
	"stopSpeak":                  onMember((*service).StopSpeak),
}

// operations calls each operation of the spec through methods (see ../matrix/orchestrate.py):
// once with no query parameter, and once more ("<id>+query") with each at its example; then
// once per response example, from the base URL that serves it (point).
func operations(c *plivo.Client, cfg sdkConfig, point func(string)) (map[string]string, map[string]map[string]any) {
	outcome := map[string]string{}
	examples := map[string]map[string]any{}
	for _, op := range cfg.Operations {
		base := strings.TrimSuffix(strings.TrimSuffix(op.ID, "ByName"), "ByUuid")
		method, ok := methods[base]
		t := target{}
		for _, p := range op.PathParams {
			switch p[0] {
			case "mpc_name":
				t.mpc.FriendlyName, t.member.FriendlyName = p[1], p[1]
			case "mpc_uuid":
				t.mpc.MpcUuid, t.member.MpcUuid = p[1], p[1]
			case "member_id":
				t.member.ParticipantId = p[1]
			}
		}
		runs := map[string][][2]any{op.ID: nil}
		if len(op.Query) > 0 {
			runs[op.ID+"+query"] = op.Query
		}
		for key, query := range runs {
			if !ok {
				outcome[key] = "unsupported: the SDK has no method for it"
			} else if _, err := method(c.MultiPartyCall, t, op, query); err != nil {
				outcome[key] = "error: " + errText(err)
			} else {
				outcome[key] = "ok"
			}
		}
		if !ok {
			continue
		}
		examples[op.ID] = map[string]any{}
		for _, ex := range op.Examples {
			point(ex.URL)
			if got, err := method(c.MultiPartyCall, t, op, nil); err != nil {
				examples[op.ID][ex.Name] = raised(err)
			} else {
				examples[op.ID][ex.Name] = got
			}
		}
		point(cfg.RequestsURL)
	}
	return outcome, examples
}

// raised is an SDK error as the runner compares it: the SDK makes an error of the answer's body
// (its text), with no status; the body is compared when that text is JSON.
func raised(err error) map[string]any {
	out := map[string]any{"$raises": fmt.Sprintf("%T", err), "$error": errText(err)}
	var body any
	if json.Unmarshal([]byte(err.Error()), &body) == nil {
		out["$body"] = body
	}
	return out
}

func errText(err error) string {
	s := fmt.Sprintf("%T: %v", err, err)
	if len(s) > 500 {
		s = s[:500]
	}
	return s
}

func main() {
	raw, err := os.ReadFile(os.Args[1])
	if err != nil {
		panic(err)
	}
	var cfg sdkConfig
	if err := json.Unmarshal(raw, &cfg); err != nil {
		panic(err)
	}
	to := &redirect{}
	c, err := plivo.NewClient(cfg.AuthID, cfg.AuthToken,
		&plivo.ClientOptions{HttpClient: &http.Client{Transport: to}})
	if err != nil {
		panic(err)
	}
	point := func(base string) {
		u, err := url.Parse(base)
		if err != nil {
			panic(err)
		}
		to.base = u
	}
	if cfg.Operations != nil {
		point(cfg.RequestsURL)
		outcome, examples := operations(c, cfg, point)
		out, err := json.Marshal(map[string]interface{}{"client": "plivo-go",
			"operations": outcome, "examples": examples})
		if err != nil {
			panic(err)
		}
		fmt.Println(string(out))
		return
	}
	parses := map[string]interface{}{}
	for name, base := range cfg.Examples {
		point(base)
		both := map[string]interface{}{}
		for _, w := range [][3]string{{"by_name", "name", cfg.MpcName}, {"by_uuid", "uuid", cfg.MpcUUID}} {
			page, err := listing(c, w[1], w[2], nil)
			if err != nil {
				both[w[0]] = map[string]string{"$error": errText(err)}
			} else {
				both[w[0]] = page
			}
		}
		parses[name] = both
	}
	point(cfg.RequestsURL)
	calls := map[string]string{}
	for _, rc := range cfg.RequestCalls {
		if _, err := listing(c, rc.By, rc.Mpc, rc.CallUUID); err != nil {
			calls[rc.ID] = "error: " + errText(err)
		} else {
			calls[rc.ID] = "ok"
		}
	}
	out, err := json.Marshal(map[string]interface{}{"client": "plivo-go", "parses": parses,
		"calls": calls})
	if err != nil {
		panic(err)
	}
	fmt.Println(string(out))
}
