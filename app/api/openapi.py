"""OpenAPI 3.1 document derived from the routes and the pydantic models they declare, so it cannot drift.

`documented(...)` names an operation's models; the same models check what comes in (pydantic, unknown keys
refused) and, under tests, what goes out. Path parameters come from the Flask rule's converters and the error
statuses every operation can answer (401/403 behind a token, 404 for a templated path, 400/422 for a body)
are added here, so an operation only lists the ones its own service decides.
"""
from dataclasses import dataclass, field
from functools import wraps

from flask import Flask, current_app, request
from flask_babel import gettext as _
from pydantic import BaseModel, ValidationError
from pydantic.json_schema import models_json_schema
from werkzeug.routing import IntegerConverter

from .errors import CODES, api_error_response

API_TITLE = "Liên Thông API"
API_VERSION = "1"
REF = "#/components/schemas/{model}"

ERROR_SCHEMA = {
    "type": "object", "required": ["error"], "additionalProperties": False,
    "properties": {"error": {"type": "object", "required": ["code", "message", "fields"], "properties": {
        "code": {"type": "string"}, "message": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": {"type": "string"}}}},
        # Why a whole input was refused (an edXML package), when there is no field to name.
        "reasons": {"type": "array", "items": {"type": "string"}}},
}


@dataclass(frozen=True)
class Operation:
    summary: str
    response: type[BaseModel] | type[dict] | str | None  # a model, any JSON object, or a media type (a file)
    status: int = 200
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    errors: tuple[int, ...] = ()
    secured: bool = True
    request_body: dict | None = None  # a body the view reads itself (multipart, free-form task data)
    extra_responses: dict = field(default_factory=dict)


def documented(summary: str, *, response=None, status: int = 200, body=None, query=None, errors=(), secured=True,
               request_body=None, extra_responses=None):
    """Declare an API operation; a `body`/`query` model is checked and handed to the view as `body=`/`query=`."""
    operation = Operation(summary, response, status, body, query, tuple(errors), secured, request_body,
                          extra_responses or {})

    def attach(view):
        @wraps(view)
        def checked(*args, **kwargs):
            if query is not None:
                try:
                    kwargs["query"] = query.model_validate(request.args.to_dict())
                except ValidationError as error:
                    return api_error_response(400, _("Tham số truy vấn không hợp lệ."), field_errors(error))
            if body is not None:
                data = request.get_json(silent=True)
                if not isinstance(data, dict):
                    return api_error_response(400, _("Nội dung phải là một đối tượng JSON."))
                try:
                    kwargs["body"] = body.model_validate(data)
                except ValidationError as error:
                    return api_error_response(422, _("Dữ liệu chưa hợp lệ."), field_errors(error))
            answer = view(*args, **kwargs)
            if current_app.testing:
                _check_answer(operation, answer)
            return answer

        checked.openapi = operation
        return checked

    return attach


def field_errors(error: ValidationError) -> dict[str, str]:
    """Field → Vietnamese message for each of pydantic's complaints (its English never reaches people)."""
    messages = {
        "missing": _("Trường này bắt buộc."), "extra_forbidden": _("Trường này không được phép."),
        "string_too_short": _("Trường này bắt buộc."), "string_too_long": _("Quá dài."),
        "greater_than_equal": _("Giá trị nằm ngoài giới hạn cho phép."),
        "less_than_equal": _("Giá trị nằm ngoài giới hạn cho phép."),
        "int_parsing": _("Phải là số nguyên."), "literal_error": _("Giá trị không nằm trong danh sách cho phép."),
    }
    return {".".join(str(part) for part in problem["loc"]) or "__root__":
            messages.get(problem["type"], _("Sai kiểu dữ liệu.")) for problem in error.errors()}


def _check_answer(operation: Operation, answer) -> None:
    # Under tests every answer is held to its declared model, so a serializer cannot drift from the document.
    response, status = (answer[0], answer[1]) if isinstance(answer, tuple) else (answer, 200)
    if status == operation.status and _is_model(operation.response) and response.is_json:
        operation.response.model_validate(response.get_json())


def _is_model(declared) -> bool:
    return isinstance(declared, type) and issubclass(declared, BaseModel)


def _path_parameters(rule) -> tuple[str, list[dict]]:
    parameters = []
    for name, converter in rule._converters.items():  # noqa: SLF001 (werkzeug keeps them only there)
        schema = {"type": "string", "minLength": 1, "pattern": "^[^/]+$"}
        if isinstance(converter, IntegerConverter):
            schema = {"type": "integer", "minimum": converter.min or 0}
            if converter.max is not None:
                schema["maximum"] = converter.max
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
    path = "".join("{" + part + "}" if dynamic else part for dynamic, part in rule._trace)  # noqa: SLF001
    return path.lstrip("|"), parameters


def _query_parameters(model: type[BaseModel], schemas: dict) -> list[dict]:
    schema = schemas[model.__name__]
    required = set(schema.get("required", ()))
    return [{"name": name, "in": "query", "required": name in required, "schema": prop}
            for name, prop in schema["properties"].items()]


def _json(ref_or_schema) -> dict:
    return {"content": {"application/json": {"schema": ref_or_schema}}}


def _operation_object(operation: Operation, path_parameters: list, schemas: dict) -> dict:
    answer = {"description": operation.summary}
    if operation.response is dict:
        answer |= _json({"type": "object"})
    elif _is_model(operation.response):
        answer |= _json({"$ref": REF.format(model=operation.response.__name__)})
    elif isinstance(operation.response, str):
        answer |= {"content": {operation.response: {"schema": {"type": "string", "format": "binary"}}}}
    errors = set(operation.errors)
    if operation.secured:
        errors |= {401, 403}
    if path_parameters:
        errors.add(404)
    if operation.body is not None or operation.request_body is not None:
        errors |= {400, 413, 422}
    if operation.query is not None:
        errors.add(400)
    responses = {str(operation.status): answer, **operation.extra_responses}
    responses |= {str(status): {"description": CODES.get(status, "error"), **_json({"$ref": REF.format(model="Error")})}
                  for status in sorted(errors)}
    result = {"summary": operation.summary, "responses": responses}
    parameters = path_parameters + (_query_parameters(operation.query, schemas) if operation.query else [])
    if parameters:
        result["parameters"] = parameters
    if operation.body is not None:
        result["requestBody"] = {"required": True, **_json({"$ref": REF.format(model=operation.body.__name__)})}
    elif operation.request_body is not None:
        result["requestBody"] = operation.request_body
    if operation.secured:
        result["security"] = [{"bearer": []}]
    return result


def _component_schemas(operations: list[Operation]) -> dict:
    models = {(op.body, "validation") for op in operations if op.body}
    models |= {(op.query, "validation") for op in operations if op.query}
    models |= {(op.response, "serialization") for op in operations if _is_model(op.response)}
    _keys, top = models_json_schema(sorted(models, key=lambda pair: pair[0].__name__), ref_template=REF)
    return {**top.get("$defs", {}), "Error": ERROR_SCHEMA}


def openapi_document(app: Flask) -> dict:
    """Return the OpenAPI document for every documented API route."""
    routes = [(rule, app.view_functions[rule.endpoint].openapi) for rule in app.url_map.iter_rules()
              if hasattr(app.view_functions[rule.endpoint], "openapi")]
    schemas = _component_schemas([operation for _rule, operation in routes])
    paths: dict = {}
    for rule, operation in routes:
        path, parameters = _path_parameters(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation_object(operation, parameters, schemas)
    return {
        "openapi": "3.1.0",
        "info": {"title": API_TITLE, "version": API_VERSION},
        "paths": paths,
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}, "schemas": schemas},
    }
