// Harness for the Go client openapi-generator makes from the spec (see ../run.py). The runner
// builds it in target/polyglot/go-gen-harness with a replace directive to the generated module.
// The parse is printed with the generated MarshalJSON, which writes the API's names. Each
// example is reached through its base URL (`<mock>/__example/NAME`): a server URL may carry a path.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"reflect"
	"strings"

	plivompc "github.com/polyglot/plivompc"
)

// call and config: ../go-common/config.go.

func client(url string) *plivompc.APIClient {
	conf := plivompc.NewConfiguration()
	conf.Servers = plivompc.ServerConfigurations{{URL: url}}
	return plivompc.NewAPIClient(conf)
}

func listing(c *plivompc.APIClient, cfg config, by, mpc string, callUUID *string) (interface{}, error) {
	ctx := context.WithValue(context.Background(), plivompc.ContextBasicAuth,
		plivompc.BasicAuth{UserName: cfg.AuthID, Password: cfg.AuthToken})
	var page *plivompc.ParticipantList
	var err error
	if by == "name" {
		r := c.ParticipantsAPI.ListParticipantsByName(ctx, cfg.AuthID, mpc)
		if callUUID != nil {
			r = r.CallUuid(*callUUID)
		}
		page, _, err = r.Execute()
	} else {
		r := c.ParticipantsAPI.ListParticipantsByUuid(ctx, cfg.AuthID, mpc)
		if callUUID != nil {
			r = r.CallUuid(*callUUID)
		}
		page, _, err = r.Execute()
	}
	if err != nil {
		return nil, err
	}
	// Through the generated MarshalJSON and back, to print the API's field names.
	raw, err := json.Marshal(page)
	if err != nil {
		return nil, err
	}
	var out interface{}
	err = json.Unmarshal(raw, &out)
	return out, err
}

func errText(err error) string {
	s := fmt.Sprintf("%T: %v", err, err)
	if len(s) > 500 {
		s = s[:500]
	}
	return s
}

type operation struct {
	ID         string               `json:"id"`
	API        string               `json:"api"`
	PathParams [][2]string          `json:"path_params"`
	Body       json.RawMessage      `json:"body"`
	BodyModel  *string              `json:"body_model"`
	Query      [][2]json.RawMessage `json:"query"`
	Examples   []struct {
		Name string `json:"name"`
		URL  string `json:"url"`
	} `json:"examples"`
}

// pascal: end_time__gt -> EndTimeGt, as the generator names a query parameter's setter.
func pascal(name string) string {
	out := ""
	for _, w := range strings.Split(name, "_") {
		if w != "" {
			out += strings.ToUpper(w[:1]) + w[1:]
		}
	}
	return out
}

type opsConfig struct {
	AuthID      string      `json:"auth_id"`
	AuthToken   string      `json:"auth_token"`
	RequestsURL string      `json:"requests_url"`
	Operations  []operation `json:"operations"`
}

// callOperation runs one operation by reflection: the service field named by the tag
// (MultiPartyCallsApi -> MultiPartyCallsAPI), its method named by the operationId with the path
// values, the body setter named by the requestBody schema with the example decoded into the
// setter's own argument type, then Execute. It returns the decoded answer written back through
// the generated MarshalJSON (null without one) and the HTTP status.
func callOperation(c *plivompc.APIClient, ctx context.Context, op operation, withQuery bool) (answer json.RawMessage, status int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("reflection: %v", r)
		}
	}()
	service := reflect.ValueOf(c).Elem().FieldByName(strings.TrimSuffix(op.API, "Api") + "API")
	if !service.IsValid() {
		return nil, 0, fmt.Errorf("no service %sAPI", strings.TrimSuffix(op.API, "Api"))
	}
	name := strings.ToUpper(op.ID[:1]) + op.ID[1:]
	method := service.MethodByName(name)
	if !method.IsValid() {
		return nil, 0, fmt.Errorf("no method %s", name)
	}
	args := []reflect.Value{reflect.ValueOf(ctx)}
	for _, p := range op.PathParams {
		args = append(args, reflect.ValueOf(p[1]))
	}
	req := method.Call(args)[0]
	for _, q := range op.Query {
		if !withQuery {
			break
		}
		var name string
		if err := json.Unmarshal(q[0], &name); err != nil {
			return nil, 0, err
		}
		setter := req.MethodByName(pascal(name))
		if !setter.IsValid() {
			return nil, 0, fmt.Errorf("no query setter %s", pascal(name))
		}
		value := reflect.New(setter.Type().In(0))
		if err := json.Unmarshal(q[1], value.Interface()); err != nil {
			return nil, 0, fmt.Errorf("the example of %s does not decode: %v", name, err)
		}
		req = setter.Call([]reflect.Value{value.Elem()})[0]
	}
	if op.BodyModel != nil {
		setter := req.MethodByName(*op.BodyModel)
		if !setter.IsValid() {
			return nil, 0, fmt.Errorf("no body setter %s", *op.BodyModel)
		}
		body := reflect.New(setter.Type().In(0))
		if err := json.Unmarshal(op.Body, body.Interface()); err != nil {
			return nil, 0, fmt.Errorf("the example does not decode into %s: %v", *op.BodyModel, err)
		}
		req = setter.Call([]reflect.Value{body.Elem()})[0]
	}
	out := req.MethodByName("Execute").Call(nil)
	if resp, ok := out[len(out)-2].Interface().(*http.Response); ok && resp != nil {
		status = resp.StatusCode
	}
	if e, ok := out[len(out)-1].Interface().(error); ok && e != nil {
		return nil, status, e
	}
	answer = json.RawMessage("null")
	if len(out) == 3 && !out[0].IsNil() {
		// The decoded answer through the generated MarshalJSON.
		if answer, err = json.Marshal(out[0].Interface()); err != nil {
			return nil, status, err
		}
	}
	return answer, status, nil
}

// raised is an error as the runner compares it: its type, the status and the JSON body that
// the generated GenericOpenAPIError carries.
func raised(err error, status int) map[string]interface{} {
	out := map[string]interface{}{"$raises": fmt.Sprintf("%T", err), "$error": errText(err)}
	if status != 0 {
		out["$status"] = status
	}
	if withBody, ok := err.(interface{ Body() []byte }); ok {
		var body interface{}
		if json.Unmarshal(withBody.Body(), &body) == nil {
			out["$body"] = body
		}
	}
	return out
}

func operations(raw []byte) {
	var cfg opsConfig
	if err := json.Unmarshal(raw, &cfg); err != nil {
		panic(err)
	}
	c := client(cfg.RequestsURL)
	ctx := context.WithValue(context.Background(), plivompc.ContextBasicAuth,
		plivompc.BasicAuth{UserName: cfg.AuthID, Password: cfg.AuthToken})
	outcome := map[string]string{}
	for _, op := range cfg.Operations {
		// Once without query parameters, and once with each at its example ("<id>+query").
		for _, withQuery := range []bool{false, true} {
			key := op.ID
			if withQuery {
				if len(op.Query) == 0 {
					continue
				}
				key += "+query"
			}
			if _, _, err := callOperation(c, ctx, op, withQuery); err != nil {
				outcome[key] = "error: " + errText(err)
			} else {
				outcome[key] = "ok"
			}
		}
	}
	// Every response example, from the base URL that serves it.
	examples := map[string]map[string]interface{}{}
	for _, op := range cfg.Operations {
		examples[op.ID] = map[string]interface{}{}
		for _, ex := range op.Examples {
			answer, status, err := callOperation(client(ex.URL), ctx, op, false)
			if err != nil {
				examples[op.ID][ex.Name] = raised(err, status)
			} else {
				examples[op.ID][ex.Name] = answer
			}
		}
	}
	out, _ := json.Marshal(map[string]interface{}{
		"client": "openapi-generator go", "operations": outcome, "examples": examples,
	})
	fmt.Println(string(out))
}

func main() {
	raw, err := os.ReadFile(os.Args[1])
	if err != nil {
		panic(err)
	}
	var probe map[string]json.RawMessage
	if json.Unmarshal(raw, &probe) == nil && probe["operations"] != nil {
		operations(raw)
		return
	}
	var cfg config
	if err := json.Unmarshal(raw, &cfg); err != nil {
		panic(err)
	}
	parses := map[string]map[string]interface{}{}
	for name, url := range cfg.Examples {
		c := client(url)
		both := map[string]interface{}{}
		for _, x := range [][3]string{{"by_name", "name", cfg.MpcName}, {"by_uuid", "uuid", cfg.MpcUUID}} {
			v, err := listing(c, cfg, x[1], x[2], nil)
			if err != nil {
				v = map[string]string{"$error": errText(err)}
			}
			both[x[0]] = v
		}
		parses[name] = both
	}
	calls := map[string]string{}
	c := client(cfg.RequestsURL)
	for _, call := range cfg.RequestCalls {
		if _, err := listing(c, cfg, call.By, call.Mpc, call.CallUUID); err != nil {
			calls[call.ID] = "error: " + errText(err)
		} else {
			calls[call.ID] = "ok"
		}
	}
	out, _ := json.Marshal(map[string]interface{}{
		"client": "openapi-generator go", "parses": parses, "calls": calls,
	})
	fmt.Println(string(out))
}
