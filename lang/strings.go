package lang

// String methods: every node prints itself as SQL through the printer of
// print.go. Parse(n.String()) gives back a tree Equal to n.

// String prints the node as SQL.
func (n *Select) String() string { return format(n) }

// String prints the node as SQL.
func (n *SetOp) String() string { return format(n) }

// String prints the node as SQL.
func (n *Values) String() string { return format(n) }

// String prints the node as SQL.
func (n *ReplaceItem) String() string { return format(n) }

// String prints the node as SQL.
func (n *With) String() string { return format(n) }

// String prints the node as SQL.
func (n *CTE) String() string { return format(n) }

// String prints the node as SQL.
func (n *SelectItem) String() string { return format(n) }

// String prints the node as SQL.
func (n *OrderItem) String() string { return format(n) }

// String prints the node as SQL.
func (n *Explain) String() string { return format(n) }

// String prints the node as SQL.
func (n *Copy) String() string { return format(n) }

// String prints the node as SQL.
func (n *CreateTable) String() string { return format(n) }

// String prints the node as SQL.
func (n *Insert) String() string { return format(n) }

// String prints the node as SQL.
func (n *Show) String() string { return format(n) }

// String prints the node as SQL.
func (n *Describe) String() string { return format(n) }

// String prints the node as SQL.
func (n *Option) String() string { return format(n) }

// String prints the node as SQL.
func (n *KafkaSource) String() string { return format(n) }

// String prints the node as SQL.
func (n *Table) String() string { return format(n) }

// String prints the node as SQL.
func (n *TableFunc) String() string { return format(n) }

// String prints the node as SQL.
func (n *FileTable) String() string { return format(n) }

// String prints the node as SQL.
func (n *SubquerySource) String() string { return format(n) }

// String prints the node as SQL.
func (n *Join) String() string { return format(n) }

// String prints the node as SQL.
func (n *Ident) String() string { return format(n) }

// String prints the node as SQL.
func (n *Literal) String() string { return format(n) }

// String prints the node as SQL.
func (n *Call) String() string { return format(n) }

// String prints the node as SQL.
func (n *Window) String() string { return format(n) }

// String prints the node as SQL.
func (n *Frame) String() string { return format(n) }

// String prints the node as SQL.
func (n *FrameBound) String() string { return format(n) }

// String prints the node as SQL.
func (n *Binary) String() string { return format(n) }

// String prints the node as SQL.
func (n *Unary) String() string { return format(n) }

// String prints the node as SQL.
func (n *In) String() string { return format(n) }

// String prints the node as SQL.
func (n *Between) String() string { return format(n) }

// String prints the node as SQL.
func (n *IsNull) String() string { return format(n) }

// String prints the node as SQL.
func (n *Paren) String() string { return format(n) }

// String prints the node as SQL.
func (n *Case) String() string { return format(n) }

// String prints the node as SQL.
func (n *When) String() string { return format(n) }

// String prints the node as SQL.
func (n *Cast) String() string { return format(n) }

// String prints the node as SQL.
func (n *Type) String() string { return format(n) }

// String prints the node as SQL.
func (n *Index) String() string { return format(n) }

// String prints the node as SQL.
func (n *Subquery) String() string { return format(n) }

// String prints the node as SQL.
func (n *Exists) String() string { return format(n) }

// String prints the node as SQL.
func (n *List) String() string { return format(n) }

// String prints the node as SQL.
func (n *Struct) String() string { return format(n) }

// String prints the node as SQL.
func (n *StructField) String() string { return format(n) }
