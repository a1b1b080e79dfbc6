// The harness config every Go harness reads (see ../matrix/orchestrate.py), shared by go-gen
// and go-sdk: the runner copies this file beside each harness's main.go before it builds it.
package main

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
