package lang

// ItemName is the name of a select item's column when the item has no
// alias: a column reference is named by its last part (o.status is
// status, value.amount is amount), any other expression by its text as
// String prints it (COUNT(*), CAST(value AS STRING), amount * 2). kq names
// result columns by this rule whichever engine computes them; Render
// applies it with RenderOptions.ItemNames.
func ItemName(e Expr) string {
	if id, ok := e.(*Ident); ok && len(id.Parts) > 0 {
		return id.Name()
	}
	return format(e)
}
