package dsl

import (
	"testing"

	"guitai/idnum"
)

// idOf is a valid ID number born on birth (YYYYMMDD) with sequence seq
// (three digits: the last one odd for a man).
func idOf(birth, seq string) string {
	first17 := "110101" + birth + seq
	return first17 + string(idnum.IDCheckChar(first17))
}

func TestIDBirthAndGender(t *testing.T) {
	def, err := Decode([]byte(`{"dsl": "guitai.form/1", "id": "idf", "version": "1.0.0", "title": {"zh": "证件"},
"root": {"id": "root", "type": "form", "children": [
 {"id": "idcard", "type": "idcard", "bind": "idcard"},
 {"id": "gender", "type": "radio", "bind": "gender", "props": {"options": [{"value": "male", "label": {"zh": "男"}}, {"value": "female", "label": {"zh": "女"}}]},
  "rules": [{"expr": "gender == \"\" || idGender(idcard) == \"\" || gender == idGender(idcard)"}]},
 {"id": "shown", "type": "label", "value": "idBirth(idcard) + \"/\" + idGender(idcard)"}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	prog, err := def.Program()
	if err != nil {
		t.Fatal(err)
	}
	value := prog.OfNode("shown")[0]
	man, woman := idOf("19900307", "881"), idOf("20011231", "882")
	for _, c := range []struct{ id, want string }{
		{man, "1990-03-07/male"},
		{woman, "2001-12-31/female"},
		{man[:17], "/"},                // incomplete
		{man[:17] + "0", "/"},          // a wrong check character (man's is not 0)
		{idOf("19900230", "881"), "/"}, // no 30 February
		{"", "/"},
	} {
		if c.id == man[:17]+"0" && man[17] == '0' {
			continue
		}
		got, err := value.Eval(prog.Env(map[string]any{"idcard": c.id}))
		if err != nil || got != c.want {
			t.Errorf("%q: %v, %v; want %q", c.id, got, err, c.want)
		}
	}
	gender := def.Root.Children[1]
	if v := prog.Check(gender, "female", prog.Env(map[string]any{"idcard": man, "gender": "female"})); v == nil {
		t.Error("female accepted for a man's ID number")
	}
	if v := prog.Check(gender, "male", prog.Env(map[string]any{"idcard": man, "gender": "male"})); v != nil {
		t.Errorf("male refused for a man's ID number: %v", v.Message)
	}
	if IDBirth(woman) != "2001-12-31" || IDGender(woman) != "female" || IDGender("x") != "" {
		t.Error("IDBirth/IDGender")
	}
	if _, ok := HelperDocs()["idBirth"]; !ok {
		t.Error("idBirth has no doc for the designer")
	}
}
