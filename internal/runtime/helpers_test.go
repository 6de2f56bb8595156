package runtime_test

import (
	"bytes"
	"encoding/json"
)

func jsonDecoder(b []byte) *json.Decoder { return json.NewDecoder(bytes.NewReader(b)) }
