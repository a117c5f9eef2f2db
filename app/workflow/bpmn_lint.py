"""Checks on a diagram's structure that SpiffWorkflow's parser lets through but that would run wrongly or
not at all: descriptive (non-executable) models, data stores, implicit splits, diverging gateways with a
flow that has neither a condition nor the default mark, and elements no path reaches.

Messages are for designers (Vietnamese), each tied to the element to highlight.
"""
from collections import defaultdict

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
GATEWAYS = {"exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway", "complexGateway"}
CONDITIONAL_GATEWAYS = {"exclusiveGateway", "inclusiveGateway"}
SCOPES = {"process", "subProcess", "transaction"}


def _local(element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def lint(document, process_id: str) -> list[tuple[str, str]]:
    """(element id, message) for each problem of the process `process_id` in the parsed document."""
    process = next((p for p in document.iter(f"{{{BPMN}}}process") if p.get("id") == process_id), None)
    if process is None:
        return []
    problems = []
    if process.get("isExecutable") == "false":
        problems.append((process_id, "Quy trình đang ở dạng mô tả (isExecutable=\"false\"): đánh dấu "
                                     "\"có thể thực thi\" trước khi xuất bản."))
    for element in document.iter(f"{{{BPMN}}}dataStoreReference", f"{{{BPMN}}}dataStore"):
        problems.append((element.get("id", ""), "Kho dữ liệu (data store) không chạy được trong hệ thống: "
                                                "dữ liệu của hồ sơ nằm trong dữ liệu công việc."))
    for scope in [process, *(e for e in process.iter() if _local(e) in SCOPES - {"process"})]:
        problems.extend(_scope_problems(scope))
    return problems


def _scope_problems(scope) -> list[tuple[str, str]]:
    children = [c for c in scope if isinstance(c.tag, str)]
    flows = [c for c in children if _local(c) == "sequenceFlow"]
    nodes = {c.get("id"): c for c in children
             if _local(c) not in {"sequenceFlow", "laneSet", "extensionElements", "documentation", "association",
                                  "textAnnotation", "dataObject", "dataObjectReference", "dataStoreReference",
                                  "multiInstanceLoopCharacteristics", "standardLoopCharacteristics",
                                  "ioSpecification", "property", "incoming", "outgoing"}}
    outgoing = defaultdict(list)
    for flow in flows:
        outgoing[flow.get("sourceRef")].append(flow)
    problems = []
    for node_id, node in nodes.items():
        leaving = outgoing[node_id]
        kind = _local(node)
        if len(leaving) > 1 and kind not in GATEWAYS:
            problems.append((node_id, "Phần tử có %d luồng ra mà không qua cổng (tách ngầm): dùng cổng song song "
                                      "hoặc cổng điều kiện để nói rõ các nhánh." % len(leaving)))
        if len(leaving) > 1 and kind in CONDITIONAL_GATEWAYS:
            default = node.get("default")
            for flow in leaving:
                if flow.get("id") != default and flow.find(f"{{{BPMN}}}conditionExpression") is None:
                    problems.append((flow.get("id"), "Luồng ra từ cổng '%s' không có điều kiện và không phải luồng "
                                                     "mặc định." % (node.get("name") or node_id)))
    problems.extend((node_id, "Không có đường nào dẫn tới phần tử này từ sự kiện bắt đầu.")
                    for node_id in _unreachable(nodes, flows))
    return problems


def _unreachable(nodes: dict, flows) -> list[str]:
    successors = defaultdict(list)
    for flow in flows:
        successors[flow.get("sourceRef")].append(flow.get("targetRef"))
    for node_id, node in nodes.items():
        if _local(node) == "boundaryEvent":
            successors[node.get("attachedToRef")].append(node_id)  # reached with its host
    starts = [i for i, n in nodes.items() if _local(n) == "startEvent"
              or (_local(n) == "subProcess" and n.get("triggeredByEvent") == "true")]
    reached, stack = set(starts), list(starts)
    while stack:
        for target in successors[stack.pop()]:
            if target not in reached:
                reached.add(target)
                stack.append(target)
    return [node_id for node_id in nodes if node_id not in reached]
