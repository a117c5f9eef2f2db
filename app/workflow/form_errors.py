"""jsonschema validation errors in the words a Vietnamese clerk reads beside each field."""
from flask_babel import gettext as _

FORM_ERROR_KEY = "__form__"  # errors about the whole submission (e.g. a JSON body that is not an object)


def error_paths(error) -> list[str]:
    """The form fields a jsonschema error belongs to (dotted names), or the whole-form key."""
    parts = []
    for part in error.absolute_path:
        if isinstance(part, int):
            break  # an error in one item of a list belongs to the list's field
        parts.append(str(part))
    base = ".".join(parts)
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [n for n in error.validator_value if n not in error.instance]
        return [f"{base}.{n}" if base else n for n in missing]
    return [base or FORM_ERROR_KEY]


def _vn_number(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}".replace(",", " ").replace(".", ",").replace(" ", ".")


def error_message(error) -> str:
    """The Vietnamese sentence shown beside the field for a jsonschema error."""
    keyword, limit = error.validator, error.validator_value
    n = _vn_number(limit) if isinstance(limit, (int, float)) and not isinstance(limit, bool) else limit
    if keyword == "type":
        expected = limit if isinstance(limit, str) else next((t for t in limit if t != "null"), "")
        return {"integer": _("Giá trị phải là số nguyên."), "number": _("Giá trị phải là số."),
                "string": _("Giá trị phải là văn bản."), "boolean": _("Giá trị phải là đúng hoặc sai."),
                "array": _("Giá trị phải là một danh sách."), "object": _("Giá trị phải là một nhóm trường.")
                }.get(expected, _("Kiểu giá trị không hợp lệ."))
    if keyword in ("enum", "const", "oneOf", "anyOf"):
        return _("Giá trị không nằm trong danh sách cho phép.")
    if keyword == "format":
        return {"date": _("Ngày không hợp lệ (dd/mm/yyyy)."), "email": _("Địa chỉ thư không hợp lệ.")
                }.get(limit, _("Định dạng không hợp lệ."))
    messages = {
        "required": lambda: _("Trường này bắt buộc."),
        "minLength": lambda: _("Tối thiểu %(n)s ký tự.", n=n),
        "maxLength": lambda: _("Tối đa %(n)s ký tự.", n=n),
        "minimum": lambda: _("Giá trị phải lớn hơn hoặc bằng %(n)s.", n=n),
        "maximum": lambda: _("Giá trị phải nhỏ hơn hoặc bằng %(n)s.", n=n),
        "exclusiveMinimum": lambda: _("Giá trị phải lớn hơn %(n)s.", n=n),
        "exclusiveMaximum": lambda: _("Giá trị phải nhỏ hơn %(n)s.", n=n),
        "multipleOf": lambda: _("Giá trị phải là bội số của %(n)s.", n=n),
        "pattern": lambda: _("Giá trị không đúng định dạng yêu cầu."),
        "minItems": lambda: _("Chọn ít nhất %(n)s mục.", n=n),
        "maxItems": lambda: _("Chọn tối đa %(n)s mục.", n=n),
        "uniqueItems": lambda: _("Các mục không được trùng nhau."),
        "additionalProperties": lambda: _("Có trường không thuộc biểu mẫu."),
    }
    return messages.get(keyword, lambda: _("Giá trị không hợp lệ."))()
