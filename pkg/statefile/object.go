package statefile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// ErrUnknownField is what a DecodeObject callback returns for a member it
// does not know: the record is refused, not half understood.
var ErrUnknownField = errors.New("unknown field")

// DecodeObject decodes b, one flat JSON object, strictly and without
// reflection, calling member with each member's name and value: a string,
// a bool, a json.Number, nil, or a []any of those. Nested objects, a
// repeated member and anything after the object are errors, as is any
// error member returns.
//
// It is ReadJSON for records read on a hot path: a recurring monitor
// runs every few seconds for the life of the resource, and decoding a
// struct through reflection costs it more than all its netlink work.
func DecodeObject(b []byte, member func(name string, v any) error) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if t, err := d.Token(); err != nil || t != json.Delim('{') {
		return fmt.Errorf("not a JSON object: %v", err)
	}
	seen := map[string]bool{}
	for d.More() {
		t, err := d.Token()
		if err != nil {
			return err
		}
		name, _ := t.(string)
		if seen[name] {
			return fmt.Errorf("field %q repeated", name)
		}
		seen[name] = true
		v, err := value(d, true)
		if err != nil {
			return fmt.Errorf("field %q: %w", name, err)
		}
		if err := member(name, v); err != nil {
			return fmt.Errorf("field %q: %w", name, err)
		}
	}
	if _, err := d.Token(); err != nil { // the closing brace
		return err
	}
	if _, err := d.Token(); err != io.EOF {
		return errors.New("data after the JSON object")
	}
	return nil
}

// value reads one scalar, or (if arrays) one array of scalars.
func value(d *json.Decoder, arrays bool) (any, error) {
	t, err := d.Token()
	if err != nil {
		return nil, err
	}
	switch t := t.(type) {
	case json.Delim:
		if t != '[' || !arrays {
			return nil, fmt.Errorf("unexpected %v", t)
		}
		out := []any{}
		for d.More() {
			v, err := value(d, false)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		_, err := d.Token() // the closing bracket
		return out, err
	default:
		return t, nil
	}
}

// Int returns v, a member's value, as an integer of bitSize bits.
func Int(v any, bitSize int) (int64, error) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, fmt.Errorf("%v is not a number", v)
	}
	return strconv.ParseInt(string(n), 10, bitSize)
}

// Uint returns v, a member's value, as an unsigned integer of bitSize
// bits.
func Uint(v any, bitSize int) (uint64, error) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, fmt.Errorf("%v is not a number", v)
	}
	return strconv.ParseUint(string(n), 10, bitSize)
}

// String returns v, a member's value, as a string.
func String(v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%v is not a string", v)
	}
	return s, nil
}

// Bool returns v, a member's value, as a bool.
func Bool(v any) (bool, error) {
	b, ok := v.(bool)
	if !ok {
		return false, fmt.Errorf("%v is not a boolean", v)
	}
	return b, nil
}

// Strings returns v, a member's value, as a list of strings.
func Strings(v any) ([]string, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%v is not a list", v)
	}
	out := make([]string, len(list))
	for i, e := range list {
		s, err := String(e)
		if err != nil {
			return nil, err
		}
		out[i] = s
	}
	return out, nil
}
