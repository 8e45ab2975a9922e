package statefile

import (
	"errors"
	"reflect"
	"testing"
)

func TestDecodeObject(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		want    map[string]any // what each member decodes to, via the typed getters
		wantErr bool
	}{
		{"scalars", `{"n":3,"s":"x","b":true}`, map[string]any{"n": int64(3), "s": "x", "b": true}, false},
		{"a list of strings", `{"l":["a","b"]}`, map[string]any{"l": []string{"a", "b"}}, false},
		{"an empty object", `{}`, map[string]any{}, false},
		{"an unknown member", `{"n":3,"other":1}`, nil, true},
		{"a repeated member", `{"n":3,"n":4}`, nil, true},
		{"a nested object", `{"n":{"m":1}}`, nil, true},
		{"a nested list", `{"l":[["a"]]}`, nil, true},
		{"a number too large", `{"n":4294967296}`, nil, true},
		{"a fraction", `{"n":1.5}`, nil, true},
		{"a string for a number", `{"n":"3"}`, nil, true},
		{"trailing data", `{"n":3} x`, nil, true},
		{"not an object", `["n"]`, nil, true},
		{"truncated", `{"n":3`, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string]any{}
			err := DecodeObject([]byte(tt.text), func(name string, v any) (err error) {
				switch name {
				case "n":
					got[name], err = Int(v, 32)
				case "s":
					got[name], err = String(v)
				case "b":
					got[name], err = Bool(v)
				case "l":
					got[name], err = Strings(v)
				default:
					return ErrUnknownField
				}
				return err
			})
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if !tt.wantErr && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
			if tt.name == "an unknown member" && !errors.Is(err, ErrUnknownField) {
				t.Errorf("err = %v, want ErrUnknownField", err)
			}
		})
	}
}
