package lang_test

import (
	"fmt"

	"github.com/kq-sql/kq/lang"
)

func ExampleParse() {
	stmt, err := lang.Parse("select key, count(*) n from kafka('orders') with (minPartitions=8) where value->>'country' = 'DE' group by key")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(stmt)
	sel := stmt.(*lang.Select)
	k := sel.From[0].(*lang.KafkaSource)
	fmt.Println(k.Topics, k.Options[0].Key, k.Options[0].Value)
	// Output:
	// SELECT key, count(*) AS n FROM kafka('orders') WITH (minPartitions = 8) WHERE value ->> 'country' = 'DE' GROUP BY key
	// [orders] minPartitions 8
}

func ExampleParse_error() {
	q := "SELECT COUNT(* FROM kafka('orders')"
	_, err := lang.Parse(q)
	fmt.Println(err)
	fmt.Println(lang.Caret(q, err))
	// Output:
	// 1:16: unexpected "FROM", expected ")"
	// SELECT COUNT(* FROM kafka('orders')
	//                ^
}

func ExampleRender() {
	stmt, _ := lang.Parse("SELECT o.key, c.name FROM kafka('orders') o JOIN customers c ON o.key = c.id WHERE o.offset > 1 + 2 * 3")
	sql, err := lang.Render(stmt, lang.RenderOptions{
		Source: func(k *lang.KafkaSource) string {
			return lang.QuoteIdent("kq_scan_0") + " AS " + lang.QuoteIdent(k.Alias)
		},
	})
	fmt.Println(sql, err)
	// Output:
	// SELECT "o"."key", "c"."name" FROM kq_scan_0 AS o JOIN "customers" AS "c" ON "o"."key" = "c"."id" WHERE "o"."offset" > (1 + (2 * 3)) <nil>
}

func ExampleInspect() {
	stmt, _ := lang.Parse("SELECT * FROM kafka('a') JOIN (SELECT * FROM kafka('b')) s USING (key)")
	lang.Inspect(stmt, func(n lang.Node) bool {
		if k, ok := n.(*lang.KafkaSource); ok {
			fmt.Println(k.Topics, k.Position())
		}
		return true
	})
	// Output:
	// [a] 1:15
	// [b] 1:46
}
