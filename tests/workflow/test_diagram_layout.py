"""The shipped processes have no diagram interchange: the layout gives bpmn-js one that draws every element."""
from pathlib import Path

import pytest
from lxml import etree

from app.workflow.diagram_layout import BPMN, BPMNDI, DC, with_diagram

SHIPPED = sorted((Path(__file__).resolve().parents[2] / "bpmn").glob("*.bpmn"))
DRAWN = ("userTask", "scriptTask", "serviceTask", "startEvent", "endEvent", "exclusiveGateway", "parallelGateway",
         "boundaryEvent", "subProcess", "lane", "participant")


def _bounds(shape):
    b = shape.find(f"{{{DC}}}Bounds")
    return tuple(float(b.get(k)) for k in ("x", "y", "width", "height"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_element_and_flow_of_a_shipped_process_is_drawn(path):
    drawn = etree.fromstring(with_diagram(path.read_bytes()))
    shapes = {s.get("bpmnElement"): s for s in drawn.iter(f"{{{BPMNDI}}}BPMNShape")}
    edges = {e.get("bpmnElement"): e for e in drawn.iter(f"{{{BPMNDI}}}BPMNEdge")}
    elements = [e.get("id") for name in DRAWN for e in drawn.iter(f"{{{BPMN}}}{name}")]
    assert elements and set(elements) <= shapes.keys()
    flows = [f.get("id") for f in drawn.iter(f"{{{BPMN}}}sequenceFlow")]
    assert set(flows) == edges.keys() and all(len(e) >= 2 for e in edges.values())
    for plane in drawn.iter(f"{{{BPMNDI}}}BPMNPlane"):  # flow nodes of one plane never overlap
        boxes = [_bounds(s) for s in plane.iter(f"{{{BPMNDI}}}BPMNShape")
                 if not s.get("isHorizontal") and drawn.find(f".//*[@id='{s.get('bpmnElement')}']").tag != f"{{{BPMN}}}boundaryEvent"]
        for i, (x, y, w, h) in enumerate(boxes):
            for (x2, y2, w2, h2) in boxes[i + 1:]:
                assert x + w <= x2 or x2 + w2 <= x or y + h <= y2 or y2 + h2 <= y


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_each_node_sits_in_its_lane(path):
    drawn = etree.fromstring(with_diagram(path.read_bytes()))
    main_plane = drawn.find(f"{{{BPMNDI}}}BPMNDiagram/{{{BPMNDI}}}BPMNPlane")
    shapes = {s.get("bpmnElement"): _bounds(s) for s in main_plane.iter(f"{{{BPMNDI}}}BPMNShape")}
    for lane in drawn.iter(f"{{{BPMN}}}lane"):
        lx, ly, lw, lh = shapes[lane.get("id")]
        for ref in lane.iter(f"{{{BPMN}}}flowNodeRef"):
            if ref.text not in shapes:  # a sub-process's own nodes: drawn on its plane
                continue
            x, y, w, h = shapes[ref.text]
            assert lx <= x and x + w <= lx + lw and ly <= y and y + h <= ly + lh, ref.text


def test_a_file_with_its_own_diagram_is_left_as_it_is():
    once = with_diagram(SHIPPED[0].read_bytes())
    assert with_diagram(once) == once
