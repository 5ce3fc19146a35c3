package app_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
)

// TestImportRefusesBadText: rows with a duplicate member name (at any
// depth), invalid UTF-8 or a control character are refused as FILE:ROW
// errors naming the field, on both stores, and nothing of them is
// stored; a program's source may hold tab and newline. Checked: without
// CheckJSONText the JSONL cases import (PostgreSQL: the NUL stops the
// batch with an error), and without checkCellText the CSV ones do.
func TestImportRefusesBadText(t *testing.T) {
	eachStore(t, func(t *testing.T, st ledger.Store) {
		in := strings.Join([]string{
			`{"kind":"candidate","id":"ok1","name":"Ada"}`,
			`{"kind":"candidate","id":"dup1","name":"A","name":"B"}`,
			"{\"kind\":\"candidate\",\"id\":\"utf1\",\"name\":\"Ad\xffa\"}",
			`{"kind":"candidate","id":"nul1","name":"Ada\u0000"}`,
			`{"kind":"candidate","id":"sur1","name":"Ada\udc00"}`,
			`{"kind":"candidate","id":"esc1","name":"Ada","email":"a\u001b@example.com"}`,
			`{"kind":"result","candidate":"ok1","exam":"CLF-C02","on":"2025-03-01T15:00:00Z","scaled_score":700,"domains":[{"domain":"x","meets":true,"meets":false}]}`,
			`{"kind":"result","candidate":"ok1","exam":"CLF-C02","on":"2025-03-01T15:00:00Z","scaled_score":700,"form":"A\u0085"}`,
			`{"kind":"program","id":"p","version":"1","source":"a:\tb\r\nc: d\n"}`,
			`{"kind":"program","id":"p","version":"1","source":"a: \u0000"}`,
			`{"kind":"candidate","id":"ok2","name":"Bo"}`,
		}, "\n") + "\n"
		a := importApp(st)
		rep := mustImport(t, a, "text.jsonl", "jsonl", in, app.ImportOptions{})
		want := []string{
			"row 2: name: the member appears twice",
			"row 3: name: not valid UTF-8",
			"row 4: name: holds the control character U+0000",
			"row 5: name: not valid UTF-8",
			"row 6: email: holds the control character U+001B",
			"row 7: domains[0].meets: the member appears twice",
			"row 8: form: holds the control character U+0085",
			"row 9: ", // a program that is not one, but not for its tab or newline
			"row 10: source: holds the control character U+0000",
		}
		if len(rep.Errors) != len(want) {
			t.Fatalf("%d errors, want %d: %v", len(rep.Errors), len(want), rep.Errors)
		}
		for i, w := range want {
			if got := rep.Errors[i].Error(); !strings.HasPrefix(got, w) || i == 7 && strings.Contains(got, "control character") {
				t.Errorf("error %d: %q, want it to start %q", i, got, w)
			}
		}

		csvIn := "kind,candidate,name,email\n" +
			"candidate,ok3,Cy,cy@example.com\n" +
			"candidate,nul3,\"C\x00y\",\n" +
			"candidate,utf3,\"C\xc3\",\n" +
			"candidate,nl3,\"C\ny\",\n" +
			"candidate,ok4,Di,\n"
		rep = mustImport(t, a, "text.csv", "csv", csvIn, app.ImportOptions{})
		want = []string{"row 3: name: holds the control character U+0000", "row 4: name: not valid UTF-8", "row 5: name: holds the control character U+000A"}
		if len(rep.Errors) != len(want) {
			t.Fatalf("CSV: %d errors, want %d: %v", len(rep.Errors), len(want), rep.Errors)
		}
		for i, w := range want {
			if got := rep.Errors[i].Error(); !strings.HasPrefix(got, w) {
				t.Errorf("CSV error %d: %q, want it to start %q", i, got, w)
			}
		}

		var out bytes.Buffer
		if err := a.Export(context.Background(), app.System, &out); err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"ok1", "ok2", "ok3", "ok4"} {
			if !strings.Contains(out.String(), `"id":"`+id+`"`) {
				t.Errorf("the good row %s was not imported", id)
			}
		}
		for _, id := range []string{"dup1", "utf1", "nul1", "sur1", "esc1", "nul3", "utf3", "nl3"} {
			if strings.Contains(out.String(), `"id":"`+id+`"`) {
				t.Errorf("the refused row %s was stored", id)
			}
		}
		if strings.Contains(out.String(), `"kind":"result"`) {
			t.Errorf("a refused result was stored:\n%s", out.String())
		}
	})
}
