// Harness for the Go client openapi-generator makes from the spec (see ../run.py). The runner
// builds it in target/polyglot/go-gen-harness with a replace directive to the generated module.
// The parse is printed with the generated MarshalJSON, which writes the API's names. Each
// example is reached through its base URL (`<mock>/__example/NAME`): a server URL may carry a path.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	plivompc "github.com/polyglot/plivompc"
)

type call struct {
	ID       string  `json:"id"`
	By       string  `json:"by"`
	Mpc      string  `json:"mpc"`
	CallUUID *string `json:"call_uuid"`
}

type config struct {
	AuthID       string            `json:"auth_id"`
	AuthToken    string            `json:"auth_token"`
	MpcName      string            `json:"mpc_name"`
	MpcUUID      string            `json:"mpc_uuid"`
	Examples     map[string]string `json:"examples"`
	RequestsURL  string            `json:"requests_url"`
	RequestCalls []call            `json:"request_calls"`
}

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

func main() {
	raw, err := os.ReadFile(os.Args[1])
	if err != nil {
		panic(err)
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
