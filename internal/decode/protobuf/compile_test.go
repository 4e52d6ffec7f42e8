package protobuf

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/bufbuild/protocompile/reporter"
)

func TestCompileErrors(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string
		want  string // the error's start: file:line:column
		line  int
		col   int
	}{
		{"syntax error", map[string]string{"a.proto": "syntax = \"proto3\";\nmessage A {\n  int32 x = ;\n}\n"}, "a.proto:3:13: ", 3, 13},
		{"unknown type", map[string]string{"a.proto": "syntax = \"proto3\";\nmessage A {\n  Missing x = 1;\n}\n"}, "a.proto:3:3: ", 3, 3},
		{"missing import", map[string]string{"a.proto": "syntax = \"proto3\";\nimport \"b.proto\";\n"}, "a.proto:2:8: ", 2, 8},
		{"error in an imported file", map[string]string{
			"a.proto": "syntax = \"proto3\";\nimport \"b.proto\";\nmessage A { B b = 1; }\n",
			"b.proto": "syntax = \"proto3\";\nmessage B { int32 x = 1; int32 y = 1; }\n",
		}, "b.proto:2:", 2, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Compile(context.Background(), c.files)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.HasPrefix(err.Error(), c.want) {
				t.Fatalf("error %q, want it to start %q", err, c.want)
			}
			var ep reporter.ErrorWithPos
			if !errors.As(err, &ep) {
				t.Fatalf("%T is not a reporter.ErrorWithPos", err)
			}
			if pos := ep.GetPosition(); pos.Line != c.line || (c.col != 0 && pos.Col != c.col) {
				t.Fatalf("position %v, want %d:%d", pos, c.line, c.col)
			}
		})
	}
	if _, err := Compile(context.Background(), nil); err == nil {
		t.Error("no files: no error")
	}
}

const shopProto = `
syntax = "proto3";
package shop;
import "common.proto";
import "google/protobuf/timestamp.proto";

message Order {
  message Line {
    message Price { int64 cents = 1; }
    map<string, string> attrs = 1;
    Price price = 2;
  }
  map<string, int32> counts = 1;
  repeated Line lines = 2;
  common.Money total = 3;
  google.protobuf.Timestamp at = 4;
  enum Status { NEW = 0; }
}
message Refund { string id = 1; }
enum Kind { K = 0; }
`

const commonProto = `
syntax = "proto3";
package common;
message Money { int64 units = 1; string currency = 2; }
`

func TestMessage(t *testing.T) {
	files, err := Compile(context.Background(), map[string]string{"shop.proto": shopProto, "common.proto": commonProto})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || files[0].Path() != "common.proto" || files[1].Path() != "shop.proto" {
		t.Fatalf("files %v", files)
	}
	for _, name := range []string{"shop.Order", ".shop.Order", "shop.Order.Line.Price", "common.Money", "shop.Refund"} {
		md, err := Message(files, name)
		if err != nil {
			t.Fatal(err)
		}
		if string(md.FullName()) != strings.TrimPrefix(name, ".") {
			t.Errorf("%s: %s", name, md.FullName())
		}
	}
	_, err = Message(files, "shop.Ordr")
	if !errors.Is(err, ErrUnknownMessage) {
		t.Fatalf("unknown message: %v", err)
	}
	want := "unknown message shop.Ordr; the messages are common.Money, shop.Order, shop.Order.Line, shop.Order.Line.Price, shop.Refund"
	if err.Error() != want {
		t.Fatalf("error %q, want %q", err, want)
	}
	for name, want := range map[string]string{
		"shop.Kind":                 "shop.Kind is an enum, not a message",
		"shop.Order.counts":         "shop.Order.counts is a field, not a message",
		"shop.Order.CountsEntry":    "unknown message shop.Order.CountsEntry",
		"google.protobuf.Timestamp": "unknown message google.protobuf.Timestamp",
	} {
		if _, err := Message(files, name); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", name, err, want)
		}
	}
}

// TestMessageAt follows Confluent message-index paths, whose nested
// indexes count map entry messages as the registry's descriptors do.
func TestMessageAt(t *testing.T) {
	files, err := Compile(context.Background(), map[string]string{"shop.proto": shopProto, "common.proto": commonProto})
	if err != nil {
		t.Fatal(err)
	}
	shop := files.FindFileByPath("shop.proto")
	cases := []struct {
		path []int
		want string
	}{
		{nil, "shop.Order"},
		{[]int{}, "shop.Order"},
		{[]int{0}, "shop.Order"},
		{[]int{1}, "shop.Refund"},
		{[]int{0, 0}, "shop.Order.Line"},
		{[]int{0, 1}, "shop.Order.CountsEntry"}, // declared after Line, as map fields' entries are
		{[]int{0, 0, 0}, "shop.Order.Line.Price"},
		{[]int{0, 0, 1}, "shop.Order.Line.AttrsEntry"},
	}
	for _, c := range cases {
		md, err := MessageAt(shop, c.path)
		if err != nil {
			t.Fatalf("%v: %v", c.path, err)
		}
		if string(md.FullName()) != c.want {
			t.Errorf("%v: %s, want %s", c.path, md.FullName(), c.want)
		}
	}
	for path, want := range map[string][]int{
		"message index path [2]: shop.proto has 2 messages, no index 2":                  {2},
		"message index path [-1]: shop.proto has 2 messages, no index -1":                {-1},
		"message index path [0 0 0 0]: shop.Order.Line.Price has 0 messages, no index 0": {0, 0, 0, 0},
		"message index path [1 0]: shop.Refund has 0 messages, no index 0":               {1, 0},
	} {
		if _, err := MessageAt(shop, want); err == nil || err.Error() != path {
			t.Errorf("%v: error %v, want %q", want, err, path)
		}
	}
}
