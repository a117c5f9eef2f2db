"""What a designer's script may contain, checked when it is compiled (at publish time and before it runs).

RestrictedPython's policy plus ours: no import, class or try; the operators that can outgrow their
operands (`+ * ** << %`, f-strings) become calls to the size guards of code_limits; and constant
expressions are computed here through those guards, so `x = 7 ** (3 * 7 ** 8)` is refused with a
reason when the diagram is checked instead of stalling the server when it runs.
"""
import ast
import operator
import re
from functools import lru_cache

from RestrictedPython import RestrictingNodeTransformer, compile_restricted_eval, compile_restricted_exec

from .code_limits import (
    BINARY,
    ScriptPolicyError,
    bounded_pow,
    bounded_range,
    bounded_round,
)

MAX_SCRIPT_CHARS = 5000

# Builtins that are not exposed anyway; named here only so the error says why instead of NameError.
FORBIDDEN_NAMES = frozenset({
    "open", "exec", "eval", "compile", "globals", "locals", "vars", "getattr", "setattr", "delattr",
    "breakpoint", "input", "help", "dir", "memoryview", "exit", "quit", "__import__", "__builtins__",
})

# Operator -> the guard a script calls instead (code_limits.BINARY under these names in the script globals).
GUARDED_OPERATORS = {ast.Add: "_add_", ast.Mult: "_mul_", ast.Pow: "_pow_", ast.LShift: "_lshift_",
                     ast.Mod: "_mod_"}
OPERATOR_GUARDS = {"_add_": BINARY["+"], "_mul_": BINARY["*"], "_pow_": BINARY["**"],
                   "_lshift_": BINARY["<<"], "_mod_": BINARY["%"]}
_SYMBOLS = {ast.Add: "+", ast.Mult: "*", ast.Pow: "**", ast.LShift: "<<", ast.Mod: "%"}
_PLAIN = {ast.Sub: operator.sub, ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv,
          ast.RShift: operator.rshift, ast.BitAnd: operator.and_, ast.BitOr: operator.or_,
          ast.BitXor: operator.xor}
_FOLDABLE_CALLS = {"range": bounded_range, "pow": bounded_pow, "round": bounded_round}
_NOT_CONSTANT = object()


def _call(name: str, args: list, like: ast.AST) -> ast.Call:
    call = ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=args, keywords=[])
    return ast.fix_missing_locations(ast.copy_location(call, like))


class LienThongPolicy(RestrictingNodeTransformer):
    """RestrictedPython's policy plus our rules: no import, no class, no try, no dangerous builtins, sized operators."""

    def visit_Import(self, node):
        self.error(node, "không được dùng import (các hàm được phép đã có sẵn)")
        return node

    visit_ImportFrom = visit_Import

    def visit_ClassDef(self, node):
        self.error(node, "không được định nghĩa class")
        return node

    def visit_Try(self, node):
        # A try/finally could swallow the time-limit error and keep looping untraced.
        self.error(node, "không được dùng try/except/finally (lỗi phải được báo ra cho quy trình)")
        return node

    visit_TryStar = visit_Try

    def visit_Call(self, node):
        if isinstance(node.func, ast.Name) and node.func.id in FORBIDDEN_NAMES:
            self.error(node, f"không được dùng '{node.func.id}'")
            return node
        return super().visit_Call(node)

    def visit_Name(self, node):
        if node.id in FORBIDDEN_NAMES:
            self.error(node, f"không được dùng '{node.id}'")
            return node
        return super().visit_Name(node)

    def visit_BinOp(self, node):
        node = self.node_contents_visit(node)
        guard = GUARDED_OPERATORS.get(type(node.op))
        return _call(guard, [node.left, node.right], node) if guard else node

    def visit_JoinedStr(self, node):
        # An f-string becomes a chain of sized concatenations: f"{s}{s}{s}" cannot build a text
        # many times the limit before anything is measured.
        node = self.node_contents_visit(node)
        parts = []
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                spec = _constant_spec(value.format_spec)
                if spec is None:
                    self.error(value, "định dạng trong f-string phải là hằng (không dùng {...} lồng nhau)")
                    return node
                parts.append(_call("_format_", [value.value, ast.Constant(value.conversion), ast.Constant(spec)],
                                   value))
            else:
                parts.append(value)
        result = ast.fix_missing_locations(ast.copy_location(ast.Constant(""), node))
        for part in parts:
            result = _call("_add_", [result, part], node)
        return result

    def visit_FormattedValue(self, node):
        node.value = self.visit(node.value)  # the spec stays a JoinedStr of constants for visit_JoinedStr
        return node

    def _no_starred_display(self, node):
        if isinstance(getattr(node, "ctx", ast.Load()), ast.Load) and any(isinstance(e, ast.Starred) for e in node.elts):
            self.error(node, "không dùng *x trong danh sách/bộ/tập hợp (hãy nối bằng +)")
            return node
        return self.node_contents_visit(node)

    visit_List = visit_Tuple = visit_Set = _no_starred_display


def _constant_spec(spec) -> str | None:
    if spec is None:
        return ""
    if all(isinstance(v, ast.Constant) for v in spec.values):
        return "".join(str(v.value) for v in spec.values)
    return None


def _fold(node, errors: list) -> object:
    """The value of a constant (sub)expression computed through the size guards, or _NOT_CONSTANT."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in (*_SYMBOLS, *_PLAIN):
        left, right = _fold(node.left, errors), _fold(node.right, errors)
        compute = BINARY[_SYMBOLS[type(node.op)]] if type(node.op) in _SYMBOLS else _PLAIN[type(node.op)]
        return _computed(node, errors, compute, left, right)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        operand = _fold(node.operand, errors)
        return _computed(node, errors, operator.neg if isinstance(node.op, ast.USub) else operator.pos, operand)
    if isinstance(node, (ast.List, ast.Tuple)) and isinstance(node.ctx, ast.Load):
        build = list if isinstance(node, ast.List) else tuple
        return _computed(node, errors, lambda *values: build(values), *(_fold(e, errors) for e in node.elts))
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FOLDABLE_CALLS
            and not node.keywords):
        args = [_fold(arg, errors) for arg in node.args]
        return _computed(node, errors, _FOLDABLE_CALLS[node.func.id], *args)
    for child in ast.iter_child_nodes(node):
        _fold(child, errors)
    return _NOT_CONSTANT


def _computed(node, errors: list, compute, *operands):
    if any(operand is _NOT_CONSTANT for operand in operands):
        return _NOT_CONSTANT
    try:
        return compute(*operands)
    except ScriptPolicyError as error:
        errors.append(f"dòng {node.lineno}: {str(error).rstrip('.')}")
    except Exception:  # noqa: BLE001  (1 / 0 and the like are reported when the script runs)
        pass
    return _NOT_CONSTANT


def huge_constants(source: str, mode: str) -> list[str]:
    """Errors for constant expressions the size guards refuse (a script that would always fail)."""
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError:
        return []  # RestrictedPython reports it, in its words
    errors: list[str] = []
    _fold(tree, errors)
    return errors


@lru_cache(maxsize=1024)
def compile_script(source: str, mode: str):
    """Compile `source` ('eval' or 'exec') under the restricted policy, or raise ScriptPolicyError."""
    kind = "Biểu thức" if mode == "eval" else "Kịch bản"
    if not isinstance(source, str):
        raise ScriptPolicyError(f"{kind} phải là chuỗi, nhận được {type(source).__name__}.")
    if len(source) > MAX_SCRIPT_CHARS:
        raise ScriptPolicyError(f"{kind} quá dài: {len(source)} ký tự (tối đa {MAX_SCRIPT_CHARS}).")
    text = source.strip() if mode == "eval" else source
    compile_fn = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    try:
        result = compile_fn(text, policy=LienThongPolicy)
        huge = huge_constants(text, mode)
    except RecursionError:  # 1+1+…+1 or - - … -1: the parser and the checks recurse once per level
        raise ScriptPolicyError(f"{kind} lồng nhau quá sâu.") from None
    if result.errors:
        problem = "sai cú pháp" if any("SyntaxError" in e for e in result.errors) else "không được phép"
        errors = (re.sub(r"^Line (\d+): ", r"dòng \1: ", e).rstrip(".") for e in result.errors)
        raise ScriptPolicyError(f"{kind} {problem}: " + "; ".join(errors))
    if huge:
        raise ScriptPolicyError(f"{kind} không được phép: " + "; ".join(huge))
    return result.code
