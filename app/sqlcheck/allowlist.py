"""The allow-list of syntax: node types, the arguments each may carry, and where some may appear."""

from sqlglot import exp

_BINARY = frozenset({"this", "expression"})

# Node type -> the arguments it may carry with a value. A type missing here is rejected, and so is
# an allowed type carrying anything else (INSERT OR REPLACE, ON CONFLICT, RETURNING, UPDATE ... FROM,
# DELETE ... LIMIT, schema-qualified names and INDEXED BY are all arguments of allowed types).
ALLOWED_ARGS: dict[type[exp.Expr], frozenset[str]] = {
    exp.Select: frozenset({"expressions", "from_", "where", "group", "having", "order", "limit", "offset", "distinct"}),
    exp.Insert: frozenset({"this", "expression"}),
    exp.Update: frozenset({"this", "expressions", "where"}),
    exp.Delete: frozenset({"this", "where"}),
    exp.From: frozenset({"this"}),
    exp.Where: frozenset({"this"}),
    exp.Group: frozenset({"expressions"}),
    exp.Having: frozenset({"this"}),
    exp.Order: frozenset({"expressions"}),
    exp.Ordered: frozenset({"this", "desc", "nulls_first"}),
    exp.Limit: frozenset({"expression"}),
    exp.Offset: frozenset({"expression"}),
    exp.Distinct: frozenset({"expressions"}),
    exp.Table: frozenset({"this", "alias"}),
    exp.TableAlias: frozenset({"this"}),
    exp.Schema: frozenset({"this", "expressions"}),
    exp.Identifier: frozenset({"this", "quoted"}),
    exp.Column: frozenset({"this", "table"}),
    exp.Star: frozenset(),
    exp.Literal: frozenset({"this", "is_string"}),
    exp.Null: frozenset(),
    exp.Boolean: frozenset({"this"}),
    exp.Alias: frozenset({"this", "alias"}),
    exp.Paren: frozenset({"this"}),
    exp.Tuple: frozenset({"expressions"}),
    exp.Values: frozenset({"expressions"}),
    exp.Subquery: frozenset({"this"}),
    exp.EQ: _BINARY,
    exp.NEQ: _BINARY,
    exp.GT: _BINARY,
    exp.GTE: _BINARY,
    exp.LT: _BINARY,
    exp.LTE: _BINARY,
    exp.And: _BINARY,
    exp.Or: _BINARY,
    exp.Not: frozenset({"this"}),
    exp.In: frozenset({"this", "expressions", "query"}),
    exp.Between: frozenset({"this", "low", "high"}),
    exp.Like: frozenset({"this", "expression", "negate"}),
    exp.Glob: _BINARY,
    exp.Escape: _BINARY,
    exp.Is: frozenset({"this", "expression", "negate"}),
    exp.Add: _BINARY,
    exp.Sub: _BINARY,
    exp.Mul: _BINARY,
    exp.Div: frozenset({"this", "expression", "typed", "safe"}),
    exp.Mod: _BINARY,
    exp.Neg: frozenset({"this"}),
    exp.DPipe: frozenset({"this", "expression", "safe"}),
    exp.Case: frozenset({"this", "ifs", "default"}),
    exp.If: frozenset({"this", "true", "false"}),
    exp.Cast: frozenset({"this", "to"}),
    exp.DataType: frozenset({"this"}),
    exp.Exists: frozenset({"this"}),
    exp.Collate: _BINARY,
    exp.Var: frozenset({"this"}),
    exp.Anonymous: frozenset({"this", "expressions"}),
    exp.Count: frozenset({"this", "big_int"}),
    exp.Min: frozenset({"this", "expressions"}),
    exp.Max: frozenset({"this", "expressions"}),
    exp.Sum: frozenset({"this"}),
    exp.Avg: frozenset({"this"}),
    exp.Greatest: frozenset({"this", "expressions"}),
    exp.Least: frozenset({"this", "expressions"}),
    exp.GroupConcat: frozenset({"this", "separator"}),
}

# Node type -> the parent types it may appear under (tuples only as VALUES rows, CASE branches only
# in a CASE, which also keeps IIF() out: it needs SQLite 3.32).
ALLOWED_PARENTS: dict[type[exp.Expr], tuple[type[exp.Expr], ...]] = {
    exp.Tuple: (exp.Values,),
    exp.If: (exp.Case,),
    exp.Var: (exp.Collate,),
    exp.Values: (exp.Insert,),
    exp.Schema: (exp.Insert,),
    exp.Alias: (exp.Select,),
    exp.Star: (exp.Select, exp.Count, exp.Column),
    exp.DataType: (exp.Cast,),
    exp.TableAlias: (exp.Table,),
}

CAST_TYPES = frozenset({exp.DataType.Type.INT, exp.DataType.Type.TEXT, exp.DataType.Type.DOUBLE})
COLLATIONS = frozenset({"NOCASE", "BINARY", "RTRIM"})

# Friendlier names for what is most often refused.
NODE_NAMES: dict[type[exp.Expr], str] = {
    exp.With: "WITH (common table expressions)",
    exp.CTE: "WITH (common table expressions)",
    exp.Join: "JOIN (use a subquery on one table)",
    exp.Union: "UNION",
    exp.Intersect: "INTERSECT",
    exp.Except: "EXCEPT",
    exp.Window: "window functions",
    exp.Placeholder: "parameters (write the values inline)",
    exp.HexString: "blob literals (x'...')",
    exp.CurrentTimestamp: "CURRENT_TIMESTAMP (it is UTC; use literal times)",
    exp.CurrentDate: "CURRENT_DATE (it is UTC; use literal times)",
    exp.CurrentTime: "CURRENT_TIME (it is UTC; use literal times)",
}
ARG_NAMES = {
    "alternative": "INSERT OR ...",
    "conflict": "ON CONFLICT (upsert)",
    "returning": "RETURNING",
    "with_": "WITH (common table expressions)",
    "joins": "JOIN (use a subquery on one table)",
    "from_": "UPDATE ... FROM",
    "db": "schema-qualified names",
    "catalog": "schema-qualified names",
    "default": "DEFAULT VALUES",
    "windows": "WINDOW",
    "order": "ORDER BY in UPDATE/DELETE",
    "limit": "LIMIT in UPDATE/DELETE",
    "indexed": "INDEXED BY",
}
