"""Diagram interchange (BPMNDI) for BPMN files written without it, so bpmn-js can draw them.

The shipped processes are written by hand and carry no coordinates; files from Camunda Modeler or
bpmn.io carry their own and are left alone. The layout is a plain layered one: columns by the
longest path from the start (loops are cut where they return), one horizontal band per lane, each
sub-process drawn collapsed with its own plane (bpmn-js opens it with a click), boundary events on
their host's lower edge, sequence flows as right-angled lines. It only has to be readable: a
designer who saves from the modeler saves real coordinates.
"""
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"

COLUMN = 150
ROW = 120
POOL_HEADER = 30
MARGIN = 50
TASK_SIZE = (100, 80)
EVENT_SIZE = (36, 36)
GATEWAY_SIZE = (50, 50)
FLOW_NODES = {"task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask", "receiveTask",
              "businessRuleTask", "callActivity", "subProcess", "startEvent", "endEvent",
              "intermediateCatchEvent", "intermediateThrowEvent", "exclusiveGateway", "parallelGateway",
              "inclusiveGateway", "eventBasedGateway", "complexGateway"}


@dataclass
class Box:
    x: float
    y: float
    width: float
    height: float

    @property
    def middle_y(self) -> float:
        return self.y + self.height / 2


def _local(element) -> str:
    return etree.QName(element).localname


def _size(element) -> tuple[int, int]:
    name = _local(element)
    if name.endswith("Event"):
        return EVENT_SIZE
    if name.endswith("Gateway"):
        return GATEWAY_SIZE
    return TASK_SIZE


def _has_diagram(bpmn_xml: str | bytes) -> bool:
    return b"BPMNDiagram" in (bpmn_xml.encode() if isinstance(bpmn_xml, str) else bpmn_xml)


@lru_cache(maxsize=64)
def diagram_of(bpmn_xml: str) -> bytes:
    """with_diagram, once per process version's file."""
    return with_diagram(bpmn_xml)


def with_diagram(bpmn_xml: str | bytes) -> bytes:
    """The BPMN bytes with diagram interchange: as they are when they have it, laid out when not."""
    raw = bpmn_xml.encode() if isinstance(bpmn_xml, str) else bpmn_xml
    if _has_diagram(raw):
        return raw
    root = etree.fromstring(raw, etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True))
    nsmap = {**{k: v for k, v in root.nsmap.items() if k}, "bpmn": BPMN, "bpmndi": BPMNDI, "dc": DC, "di": DI}
    definitions = etree.Element(root.tag, attrib=dict(root.attrib), nsmap=nsmap)
    definitions.extend(list(root))
    _Layout(definitions).draw()
    return etree.tostring(definitions, xml_declaration=True, encoding="UTF-8")


class _Layout:
    def __init__(self, definitions):
        self.definitions = definitions
        self.by_id = {e.get("id"): e for e in definitions.iter() if isinstance(e.tag, str) and e.get("id")}
        self.diagram_count = 0

    def draw(self) -> None:
        collaboration = self.definitions.find(f"{{{BPMN}}}collaboration")
        if collaboration is not None:
            plane = self._plane(collaboration.get("id"))
            top = 0
            for participant in collaboration.findall(f"{{{BPMN}}}participant"):
                process = self.by_id.get(participant.get("processRef"))
                if process is not None:
                    top += self._pool(plane, participant, process, top) + MARGIN
        for process in self.definitions.findall(f"{{{BPMN}}}process"):
            if collaboration is None:
                self._container(self._plane(process.get("id")), process, 0, 0, lanes=True)
        for sub_process in self.definitions.iter(f"{{{BPMN}}}subProcess"):
            self._container(self._plane(sub_process.get("id")), sub_process, 0, 0, lanes=False)

    def _plane(self, element_id: str):
        self.diagram_count += 1
        diagram = etree.SubElement(self.definitions, f"{{{BPMNDI}}}BPMNDiagram", id=f"diagram_{self.diagram_count}")
        return etree.SubElement(diagram, f"{{{BPMNDI}}}BPMNPlane", id=f"plane_{element_id}", bpmnElement=element_id)

    def _pool(self, plane, participant, process, top: float) -> float:
        width, height, lane_boxes = self._container(plane, process, POOL_HEADER, top, lanes=True)
        pool = self._shape(plane, participant.get("id"), Box(0, top, width + POOL_HEADER, height), isHorizontal="true")
        plane.remove(pool)
        plane.insert(0, pool)  # the pool is drawn first, under its lanes and nodes
        for lane_id, box in lane_boxes.items():
            self._shape(plane, lane_id, Box(POOL_HEADER, box.y, width, box.height), isHorizontal="true")
        return height

    def _container(self, plane, container, left: float, top: float, lanes: bool):
        nodes = [c for c in container if isinstance(c.tag, str) and _local(c) in FLOW_NODES]
        flows = [c for c in container if isinstance(c.tag, str) and _local(c) == "sequenceFlow"]
        boundaries = [c for c in container if isinstance(c.tag, str) and _local(c) == "boundaryEvent"]
        host_of = {b.get("id"): b.get("attachedToRef") for b in boundaries}
        bands = self._bands(container, nodes, flows) if lanes else {"": [n.get("id") for n in nodes]}
        column = _columns([n.get("id") for n in nodes], flows, host_of)
        band_of = {node_id: band for band, members in bands.items() for node_id in members}
        # Rows inside each band: a node keeps its predecessor's row when free; a boundary's successor
        # goes one row lower, so its flow leaves the host downwards.
        row, taken = {}, defaultdict(set)
        predecessors = defaultdict(list)
        for flow in flows:
            predecessors[flow.get("targetRef")].append(flow.get("sourceRef"))
        for node_id in sorted(column, key=lambda n: column[n]):
            wanted = 0
            for source in predecessors[node_id]:
                host = host_of.get(source)
                origin = host or source
                if origin in row and band_of.get(origin) == band_of.get(node_id):
                    wanted = row[origin] + (1 if host else 0)
                    break
            while wanted in taken[(band_of.get(node_id), column[node_id])]:
                wanted += 1
            row[node_id] = wanted
            taken[(band_of.get(node_id), column[node_id])].add(wanted)
        width = (max(column.values(), default=0) + 1) * COLUMN + MARGIN * 2
        boxes, band_boxes, y = {}, {}, top
        for band, members in bands.items():
            rows = max((row[m] for m in members if m in row), default=0) + 1
            band_boxes[band] = Box(left, y, width, rows * ROW)
            for node_id in members:
                element = self.by_id[node_id]
                w, h = _size(element)
                centre_x = left + MARGIN + column[node_id] * COLUMN + TASK_SIZE[0] / 2
                centre_y = y + row[node_id] * ROW + ROW / 2
                boxes[node_id] = Box(centre_x - w / 2, centre_y - h / 2, w, h)
            y += rows * ROW
        for node_id, box in boxes.items():
            extra = {"isExpanded": "false"} if _local(self.by_id[node_id]) == "subProcess" else {}
            self._shape(plane, node_id, box, **extra)
        attached = defaultdict(int)
        for boundary in boundaries:
            host = boxes.get(boundary.get("attachedToRef"))
            if host is None:
                continue
            index = attached[boundary.get("attachedToRef")]
            attached[boundary.get("attachedToRef")] += 1
            box = Box(host.x + 12 + index * 50, host.y + host.height - 18, *EVENT_SIZE)
            boxes[boundary.get("id")] = box
            self._shape(plane, boundary.get("id"), box)
        for flow in flows:
            source, target = boxes.get(flow.get("sourceRef")), boxes.get(flow.get("targetRef"))
            if source is not None and target is not None:
                self._edge(plane, flow.get("id"), _route(source, target, flow.get("sourceRef") in host_of))
        return width, y - top, {band: box for band, box in band_boxes.items() if band}

    def _bands(self, process, nodes, flows) -> dict[str, list[str]]:
        """Lane id → its nodes, in the file's order. A node in no lane joins the lane of the node it
        follows (a sub-process runs where it is started); failing that, a band of its own."""
        bands, placed, direct = {}, set(), {n.get("id") for n in nodes}
        lane_set = process.find(f"{{{BPMN}}}laneSet")
        for lane in (lane_set.findall(f"{{{BPMN}}}lane") if lane_set is not None else []):
            members = [ref.text.strip() for ref in lane.iter(f"{{{BPMN}}}flowNodeRef") if ref.text]
            bands[lane.get("id")] = [m for m in members if m in direct]  # a sub-process's nodes have their plane
            placed.update(members)
        lane_of = {m: lane for lane, members in bands.items() for m in members}
        rest = []
        for node_id in (n.get("id") for n in nodes if n.get("id") not in placed):
            source = next((f.get("sourceRef") for f in flows if f.get("targetRef") == node_id
                           and f.get("sourceRef") in lane_of), None)
            if source is None:
                rest.append(node_id)
            else:
                bands[lane_of[source]].append(node_id)
        if rest or not bands:
            bands[""] = rest
        return bands

    def _shape(self, plane, element_id: str, box: Box, **attributes):
        shape = etree.SubElement(plane, f"{{{BPMNDI}}}BPMNShape", id=f"{element_id}_di", bpmnElement=element_id,
                                 **attributes)
        etree.SubElement(shape, f"{{{DC}}}Bounds", x=_n(box.x), y=_n(box.y), width=_n(box.width),
                         height=_n(box.height))
        return shape

    def _edge(self, plane, element_id: str, points: list[tuple[float, float]]) -> None:
        edge = etree.SubElement(plane, f"{{{BPMNDI}}}BPMNEdge", id=f"{element_id}_di", bpmnElement=element_id)
        for x, y in points:
            etree.SubElement(edge, f"{{{DI}}}waypoint", x=_n(x), y=_n(y))


def _columns(node_ids: list[str], flows, host_of: dict[str, str]) -> dict[str, int]:
    """Longest-path column of each node, with the flows that close a loop left out."""
    known, successors = set(node_ids), defaultdict(list)
    for flow in flows:
        source = host_of.get(flow.get("sourceRef"), flow.get("sourceRef"))
        if source in known and flow.get("targetRef") in known:
            successors[source].append(flow.get("targetRef"))
    has_incoming = {t for targets in successors.values() for t in targets}
    order, state, forward = [], {}, defaultdict(list)

    def visit(start: str) -> None:
        stack = [(start, iter(successors[start]))]
        state[start] = "open"
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = "done"
                order.append(node)
                stack.pop()
            elif state.get(child) != "open":  # a flow back to an open node closes a loop
                forward[node].append(child)
                if child not in state:
                    state[child] = "open"
                    stack.append((child, iter(successors[child])))

    for node_id in [n for n in node_ids if n not in has_incoming] + node_ids:
        if node_id not in state:
            visit(node_id)
    column = dict.fromkeys(node_ids, 0)
    for node in reversed(order):  # reverse post-order is a topological order of the forward flows
        for child in forward[node]:
            column[child] = max(column[child], column[node] + 1)
    return column


def _route(source: Box, target: Box, from_boundary: bool) -> list[tuple[float, float]]:
    end = (target.x, target.middle_y)
    if from_boundary:
        start = (source.x + source.width / 2, source.y + source.height)
        return [start, (start[0], end[1]), end] if end[1] != start[1] else [start, end]
    start = (source.x + source.width, source.middle_y)
    if target.x > start[0]:
        if start[1] == end[1]:
            return [start, end]
        bend = target.x - 25
        return [start, (bend, start[1]), (bend, end[1]), end]
    below = max(source.y + source.height, target.y + target.height) + 20  # a loop returns underneath
    return [start, (start[0] + 20, start[1]), (start[0] + 20, below), (target.x - 20, below), (target.x - 20, end[1]),
            end]


def _n(value: float) -> str:
    return str(int(round(value)))
