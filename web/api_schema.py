"""The OpenAPI schema's shared part (drf-spectacular postprocessing hook, SPECTACULAR_SETTINGS): the error answers
every endpoint may give, in the one error format of CONTRACT §5 (web.api.exception_handler), declared once here
rather than on each view, so that `/api/v1/schema/` lists every status code the API really answers with
(tests/test_api_fuzz.py holds each response to it)."""

ERROR_COMPONENT = "Error"
ERROR_SCHEMA = {
    "type": "object",
    "description": "An error (CONTRACT §5): `error` a code, `detail` the reason in Chinese and English; `rule` the "
                   "rule that refused (e.g. C7); `fields` the messages per input field.",
    "properties": {
        "error": {"type": "string"},
        "detail": {"type": "string"},
        "rule": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
    "required": ["error", "detail"],
}
DESCRIPTIONS = {
    400: "Invalid input: a parameter or field is malformed or out of range (`fields` names them).",
    401: "Not authenticated: no or a wrong token.",
    403: "The caller's roles may not do this.",
    404: "No such object, or none the caller may see (also a page number past the last page).",
    409: "Refused by a rule or the object's state (`rule` names the rule).",
    415: "The request body's media type is not accepted.",
}
UNSAFE = {"post", "put", "patch", "delete"}
METHODS = UNSAFE | {"get", "head", "options"}


def error_codes(method: str, operation: dict) -> list[int]:
    """The error statuses an operation may answer with: 400 and 401 always (any parameter may be malformed, any
    token wrong); 403 unless anonymous callers are allowed; 404 for an object named in the path and for a page
    past the last; 409 for a change (a rule or the state refuses it); 415 for a request body."""
    parameters = operation.get("parameters", [])
    codes = [400, 401]
    if {} not in operation.get("security", [{}]):
        codes.append(403)
    if any(p.get("in") == "path" for p in parameters) or any(
            p.get("in") == "query" and p.get("name") == "page" for p in parameters):
        codes.append(404)
    if method in UNSAFE:
        codes.append(409)
    if "requestBody" in operation:
        codes.append(415)
    return codes


def declare_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: adds the `Error` component and, to every operation, the responses of
    `error_codes` that it does not declare itself; an error a view declares with a description only (e.g. a GET's
    409: `extend_schema(responses={409: OpenApiResponse(description=…)})`) gets the error format as its body.
    Takes and returns the schema dict."""
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_COMPONENT] = ERROR_SCHEMA
    body = {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}}}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in METHODS or not isinstance(operation, dict):
                continue
            responses = operation.setdefault("responses", {})
            for code in error_codes(method, operation):
                responses.setdefault(str(code), {"description": DESCRIPTIONS[code]})
            for code, response in responses.items():
                if code.isdigit() and int(code) >= 400 and not response.get("content"):
                    response["content"] = body
                    response["description"] = response.get("description") or DESCRIPTIONS.get(int(code), "")
    return result
