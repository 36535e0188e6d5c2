"""A small SOQL interpreter: the subset hitlcrm (and simple-salesforce users) send.

SELECT field, ... | COUNT() FROM Object [WHERE condition] [ORDER BY field [ASC|DESC] [NULLS FIRST|LAST], ...]
[LIMIT n] [OFFSET n], where a condition combines ``field op literal`` (=, !=, <>, <, <=, >, >=),
``field [NOT] IN (literal, ...)`` and ``field [NOT] LIKE 'pattern'`` with AND, OR, NOT and parentheses.
Errors are reported with Salesforce's error codes and its "ERROR at Row:1:Column:N" message layout.

https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select.htm
https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_quotedstringescapes.htm
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from . import ids
from .schema import NUMBER_TYPES, TEXT_TYPES, USER, FieldSpec, ObjectSpec, lookup
from .store import ApiError, Store, parse_datetime

_TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<string>'(?:[^'\\]|\\.)*')
  | (?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2}))
  | (?P<date>\d{4}-\d{2}-\d{2})
  | (?P<number>-?\d+(?:\.\d+)?)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_.]*)
  | (?P<op>!=|<>|<=|>=|=|<|>|\(|\)|,)
    """,
    re.VERBOSE,
)
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\", "%": "\\%", "_": "\\_"}
_KEYWORDS = {
    "SELECT",
    "FROM",
    "WHERE",
    "AND",
    "OR",
    "NOT",
    "IN",
    "LIKE",
    "ORDER",
    "BY",
    "ASC",
    "DESC",
    "NULLS",
    "FIRST",
    "LAST",
    "LIMIT",
    "OFFSET",
    "TRUE",
    "FALSE",
    "NULL",
    "COUNT",
}


@dataclass
class Token:
    kind: str
    text: str
    position: int  # 0-based offset in the query
    value: Any = None


@dataclass
class Comparison:
    field: FieldSpec
    op: str
    values: list[Any]
    _wanted: list[Any] | None = None

    def wanted(self) -> list[Any]:
        if self._wanted is None:
            self._wanted = [_comparable(self.field, value) for value in self.values]
        return self._wanted


@dataclass
class BoolOp:
    op: str  # AND | OR | NOT
    parts: list[Any]


@dataclass
class Query:
    spec: ObjectSpec
    fields: list[str]
    count_only: bool = False
    where: Any = None
    order_by: list[tuple[FieldSpec, bool, bool]] = field(default_factory=list)  # field, descending, nulls_last
    limit: int | None = None
    offset: int = 0


def _error(code: str, query: str, position: int, detail: str) -> ApiError:
    caret = " " * position + "^"
    return ApiError(400, code, f"\n{query}\n{caret}\nERROR at Row:1:Column:{position + 1}\n{detail}")


def _unescape(body: str, query: str, position: int) -> str:
    out: list[str] = []
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\":
            if index + 1 >= len(body) or body[index + 1] not in _ESCAPES:
                raise _error(
                    "MALFORMED_QUERY", query, position + index + 1, "Invalid string literal. Illegal character sequence"
                )
            out.append(_ESCAPES[body[index + 1]])
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)


def tokenize(query: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    while position < len(query):
        match = _TOKEN_RE.match(query, position)
        if match is None:
            if query[position] == "'":
                detail = f'line 1:{position + 1} no viable alternative at character "\'"'
                raise _error("MALFORMED_QUERY", query, position, detail)
            raise _error("MALFORMED_QUERY", query, position, f"unexpected token: '{query[position]}'")
        kind = match.lastgroup or ""
        text = match.group()
        if kind != "ws":
            token = Token(kind, text, position)
            if kind == "string":
                token.value = _unescape(text[1:-1], query, position + 1)
            elif kind == "number":
                token.value = Decimal(text)
            elif kind == "ident" and text.upper() in _KEYWORDS:
                token.kind = "kw"
                token.value = text.upper()
            tokens.append(token)
        position = match.end()
    tokens.append(Token("eof", "", len(query)))
    return tokens


class _Parser:
    def __init__(self, query: str, objects: Callable[[str], ObjectSpec | None] = lookup) -> None:
        self.query = query
        self.objects = objects
        self.tokens = tokenize(query)
        self.index = 0
        self.spec: ObjectSpec | None = None

    # --- helpers
    def peek(self) -> Token:
        return self.tokens[self.index]

    def take(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def unexpected(self, token: Token) -> ApiError:
        shown = token.text or "<EOF>"
        return _error("MALFORMED_QUERY", self.query, token.position, f"unexpected token: '{shown}'")

    def keyword(self, *words: str) -> bool:
        token = self.peek()
        return token.kind == "kw" and token.value in words

    def expect_keyword(self, word: str) -> Token:
        token = self.take()
        if token.kind != "kw" or token.value != word:
            raise self.unexpected(token)
        return token

    def expect_op(self, op: str) -> Token:
        token = self.take()
        if token.kind != "op" or token.text != op:
            raise self.unexpected(token)
        return token

    def resolve_field(self, token: Token) -> FieldSpec:
        assert self.spec is not None
        found = self.spec.field(token.text)
        if found is None:
            raise _error(
                "INVALID_FIELD",
                self.query,
                token.position,
                f"No such column '{token.text}' on entity '{self.spec.name}'. If you are attempting to use a "
                "custom field, be sure to append the '__c' after the custom field name. Please reference your "
                "WSDL or the describe call for the appropriate names.",
            )
        return found

    def resolve_path(self, token: Token) -> str:
        """A selected field: one of the object's, or a parent's through a relationship
        (``Account.Name``, ``Owner.Name``; one level, which is all this interpreter follows)."""
        assert self.spec is not None
        if "." not in token.text:
            return self.resolve_field(token).name
        relationship, _, child = token.text.partition(".")
        reference = self.spec.relationship(relationship)
        parent = None
        if reference is not None and reference.reference_to:
            target = reference.reference_to[0]
            parent = USER if target == "User" else self.objects(target)
        found = parent.field(child) if parent is not None and "." not in child else None
        if reference is None or found is None:
            raise _error(
                "INVALID_FIELD",
                self.query,
                token.position,
                f"Didn't understand relationship '{relationship}' in field path. If you are attempting to use a "
                "custom relationship, be sure to append the '__r' after the custom relationship name. Please "
                "reference your WSDL or the describe call for the appropriate names.",
            )
        return f"{reference.relationship_name}.{found.name}"

    # --- grammar
    def parse(self) -> Query:
        self.expect_keyword("SELECT")
        count_only = False
        field_tokens: list[Token] = []
        if self.keyword("COUNT"):
            self.take()
            self.expect_op("(")
            self.expect_op(")")
            count_only = True
        else:
            while True:
                token = self.take()
                if token.kind != "ident":
                    raise self.unexpected(token)
                field_tokens.append(token)
                if self.peek().kind == "op" and self.peek().text == ",":
                    self.take()
                    continue
                break
        self.expect_keyword("FROM")
        object_token = self.take()
        if object_token.kind != "ident":
            raise self.unexpected(object_token)
        self.spec = self.objects(object_token.text)
        if self.spec is None:
            raise _error(
                "INVALID_TYPE",
                self.query,
                object_token.position,
                f"sObject type '{object_token.text}' is not supported. If you are attempting to use a custom "
                "object, be sure to append the '__c' after the entity name. Please reference your WSDL or the "
                "describe call for the appropriate names.",
            )
        fields = [self.resolve_path(token) for token in field_tokens]
        query = Query(spec=self.spec, fields=fields, count_only=count_only)
        if self.keyword("WHERE"):
            self.take()
            query.where = self.parse_or()
        if self.keyword("ORDER"):
            self.take()
            self.expect_keyword("BY")
            while True:
                token = self.take()
                if token.kind != "ident":
                    raise self.unexpected(token)
                spec = self.resolve_field(token)
                descending = False
                if self.keyword("ASC", "DESC"):
                    descending = self.take().value == "DESC"
                nulls_last = descending
                if self.keyword("NULLS"):
                    self.take()
                    if not self.keyword("FIRST", "LAST"):
                        raise self.unexpected(self.peek())
                    nulls_last = self.take().value == "LAST"
                query.order_by.append((spec, descending, nulls_last))
                if self.peek().kind == "op" and self.peek().text == ",":
                    self.take()
                    continue
                break
        if self.keyword("LIMIT"):
            self.take()
            query.limit = self.integer()
        if self.keyword("OFFSET"):
            self.take()
            query.offset = self.integer()
        if self.peek().kind != "eof":
            raise self.unexpected(self.peek())
        return query

    def integer(self) -> int:
        token = self.take()
        if token.kind != "number" or token.value != token.value.to_integral_value() or token.value < 0:
            raise self.unexpected(token)
        return int(token.value)

    def parse_or(self) -> Any:
        parts = [self.parse_and()]
        while self.keyword("OR"):
            self.take()
            parts.append(self.parse_and())
        return parts[0] if len(parts) == 1 else BoolOp("OR", parts)

    def parse_and(self) -> Any:
        parts = [self.parse_unary()]
        while self.keyword("AND"):
            self.take()
            parts.append(self.parse_unary())
        return parts[0] if len(parts) == 1 else BoolOp("AND", parts)

    def parse_unary(self) -> Any:
        if self.keyword("NOT"):
            self.take()
            return BoolOp("NOT", [self.parse_unary()])
        if self.peek().kind == "op" and self.peek().text == "(":
            self.take()
            inner = self.parse_or()
            self.expect_op(")")
            return inner
        return self.parse_comparison()

    def parse_comparison(self) -> Comparison:
        token = self.take()
        if token.kind != "ident":
            raise self.unexpected(token)
        spec = self.resolve_field(token)
        negate = False
        if self.keyword("NOT"):
            self.take()
            negate = True
            if not self.keyword("IN", "LIKE"):
                raise self.unexpected(self.peek())
        if self.keyword("IN"):
            self.take()
            self.expect_op("(")
            values = [self.literal(spec)]
            while self.peek().kind == "op" and self.peek().text == ",":
                self.take()
                values.append(self.literal(spec))
            self.expect_op(")")
            return Comparison(spec, "NOT IN" if negate else "IN", values)
        if self.keyword("LIKE"):
            self.take()
            pattern = self.take()
            if pattern.kind != "string":
                raise self.unexpected(pattern)
            return Comparison(spec, "NOT LIKE" if negate else "LIKE", [pattern.value])
        op_token = self.take()
        if op_token.kind != "op" or op_token.text not in {"=", "!=", "<>", "<", "<=", ">", ">="}:
            raise self.unexpected(op_token)
        op = "!=" if op_token.text == "<>" else op_token.text
        return Comparison(spec, op, [self.literal(spec)])

    def literal(self, spec: FieldSpec) -> Any:
        token = self.take()
        if token.kind == "kw" and token.value == "NULL":
            return None
        kind = spec.type
        mismatch = _error(
            "INVALID_QUERY_FILTER_OPERATOR",
            self.query,
            token.position,
            f"value of filter criterion for field '{spec.name}' must be of type {kind} and should not be enclosed in quotes"
            if kind not in TEXT_TYPES
            else f"value of filter criterion for field '{spec.name}' must be of type string and should be enclosed in "
            "quotes",
        )
        if kind in {"id", "reference"}:
            if token.kind != "string":
                raise mismatch if token.kind in {"number", "kw", "date", "datetime"} else self.unexpected(token)
            full = ids.normalise(token.value)
            if full is None:
                raise _error("INVALID_QUERY_FILTER_OPERATOR", self.query, token.position, f"invalid ID field: {token.value}")
            return full
        if kind in TEXT_TYPES:
            if token.kind != "string":
                raise mismatch if token.kind in {"number", "kw", "date", "datetime"} else self.unexpected(token)
            return token.value
        if kind == "boolean":
            if token.kind == "kw" and token.value in {"TRUE", "FALSE"}:
                return token.value == "TRUE"
            raise mismatch if token.kind in {"string", "number", "date"} else self.unexpected(token)
        if kind in NUMBER_TYPES:
            if token.kind == "number":
                return token.value
            raise mismatch if token.kind in {"string", "kw", "date"} else self.unexpected(token)
        if kind == "date":
            if token.kind == "date":
                return token.text
            raise mismatch if token.kind in {"string", "number", "kw", "datetime"} else self.unexpected(token)
        if kind == "datetime":
            if token.kind == "datetime":
                return parse_datetime(token.text)
            raise mismatch if token.kind in {"string", "number", "kw", "date"} else self.unexpected(token)
        raise self.unexpected(token)


def parse(query: str, objects: Callable[[str], ObjectSpec | None] = lookup) -> Query:
    """``objects``: the org's objects by name (an org with Person Accounts has more Account fields)."""
    if not query or not query.strip():
        raise ApiError(400, "MALFORMED_QUERY", "SOQL statements cannot be empty or null")
    return _Parser(query, objects).parse()


def _comparable(spec: FieldSpec, value: Any) -> Any:
    if value is None or value == "":
        return None
    if spec.type in {"id", "reference"}:
        return ids.normalise(value) or value
    if spec.type in TEXT_TYPES:
        # Equality is case-sensitive on unique case-sensitive fields only.
        return value if spec.case_sensitive else value.lower()
    if spec.type in NUMBER_TYPES:
        return Decimal(str(value))
    if spec.type == "datetime":
        return parse_datetime(value) if isinstance(value, str) else value
    return value


def _matches(node: Any, record: dict[str, Any]) -> bool:
    if isinstance(node, BoolOp):
        if node.op == "AND":
            return all(_matches(part, record) for part in node.parts)
        if node.op == "OR":
            return any(_matches(part, record) for part in node.parts)
        return not _matches(node.parts[0], record)
    spec = node.field
    current = _comparable(spec, record.get(spec.name))
    wanted = node.wanted()
    if node.op in {"LIKE", "NOT LIKE"}:
        regex = "".join(".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in node.values[0])
        found = current is not None and re.fullmatch(regex, str(record.get(spec.name)), re.IGNORECASE | re.DOTALL)
        return bool(found) == (node.op == "LIKE")
    if node.op == "IN":
        return current in wanted
    if node.op == "NOT IN":
        return current not in wanted
    target = wanted[0]
    if node.op == "=":
        return current == target
    if node.op == "!=":
        return current != target
    if current is None or target is None:
        return False
    return {"<": current < target, "<=": current <= target, ">": current > target, ">=": current >= target}[node.op]


def execute(query: Query, store: Store, *, include_deleted: bool = False) -> list[dict[str, Any]]:
    rows = [
        record
        for record in store.records[query.spec.name].values()
        if (include_deleted or not record["IsDeleted"]) and (query.where is None or _matches(query.where, record))
    ]
    for spec, descending, nulls_last in reversed(query.order_by):
        present = [row for row in rows if _comparable(spec, row.get(spec.name)) is not None]
        missing = [row for row in rows if _comparable(spec, row.get(spec.name)) is None]
        present.sort(key=lambda row, s=spec: _comparable(s, row.get(s.name)), reverse=descending)
        rows = present + missing if nulls_last else missing + present
    rows = rows[query.offset :]
    if query.limit is not None:
        rows = rows[: query.limit]
    return rows
