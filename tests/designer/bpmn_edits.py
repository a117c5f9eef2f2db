"""Edits a designer makes, done on the XML (the browser test makes them in the modeler)."""
from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"


def _q(name: str) -> str:
    return f"{{{BPMN}}}{name}"


def parse(xml: str):
    root = etree.fromstring(xml.encode(), etree.XMLParser(remove_blank_text=True))
    for diagram in root.findall("{http://www.omg.org/spec/BPMN/20100524/DI}BPMNDiagram"):
        root.remove(diagram)  # the server lays the edited diagram out again
    return root


def text(root) -> str:
    return etree.tostring(root, encoding="unicode")


def insert_step_after(xml: str, after_id: str, new_id: str, name: str, lane_id: str, form: str | None) -> str:
    """A user task between `after_id` and the element its only outgoing flow leads to."""
    root = parse(xml)
    after = root.find(f".//*[@id='{after_id}']")
    process = after.getparent()
    flow = next(f for f in process.iter(_q("sequenceFlow")) if f.get("sourceRef") == after_id)
    task = etree.SubElement(process, _q("userTask"), id=new_id, name=name)
    if form:
        extensions = etree.SubElement(task, _q("extensionElements"))
        properties = etree.SubElement(extensions, f"{{{SPIFF}}}properties")
        etree.SubElement(properties, f"{{{SPIFF}}}property", name="formJsonSchemaFilename", value=form)
        etree.SubElement(properties, f"{{{SPIFF}}}property", name="formUiSchemaFilename",
                         value=form.replace(".schema.json", ".uischema.json"))
    etree.SubElement(task, _q("incoming")).text = f"to_{new_id}"
    etree.SubElement(task, _q("outgoing")).text = flow.get("id")
    next(o for o in after.findall(_q("outgoing")) if o.text == flow.get("id")).text = f"to_{new_id}"
    flow.set("sourceRef", new_id)
    etree.SubElement(process, _q("sequenceFlow"), id=f"to_{new_id}", sourceRef=after_id, targetRef=new_id)
    lane = root.find(f".//*[@id='{lane_id}']")
    etree.SubElement(lane, _q("flowNodeRef")).text = new_id
    return text(root)


def add_second_flow(xml: str, source_id: str, target_id: str) -> str:
    """An implicit split: a second unconditional flow out of a task."""
    root = parse(xml)
    source = root.find(f".//*[@id='{source_id}']")
    etree.SubElement(source.getparent(), _q("sequenceFlow"), id="implicit_split", sourceRef=source_id,
                     targetRef=target_id)
    return text(root)


def set_attribute(xml: str, element_id: str, name: str, value: str) -> str:
    root = parse(xml)
    root.find(f".//*[@id='{element_id}']").set(name, value)
    return text(root)


def set_script(xml: str, element_id: str, script: str) -> str:
    root = parse(xml)
    root.find(f".//*[@id='{element_id}']").find(_q("script")).text = script
    return text(root)


def set_instructions(xml: str, element_id: str, instructions: str) -> str:
    root = parse(xml)
    root.find(f".//*[@id='{element_id}']").find(f".//{{{SPIFF}}}instructionsForEndUser").text = instructions
    return text(root)


def remove_attribute(xml: str, element_id: str, name: str) -> str:
    root = parse(xml)
    del root.find(f".//*[@id='{element_id}']").attrib[name]
    return text(root)


def add_orphan(xml: str, new_id: str, lane_id: str) -> str:
    """A task no flow leads to."""
    root = parse(xml)
    lane = root.find(f".//*[@id='{lane_id}']")
    process = next(p for p in root.iter(_q("process")))
    etree.SubElement(process, _q("manualTask"), id=new_id, name="Bước bị quên")
    etree.SubElement(lane, _q("flowNodeRef")).text = new_id
    return text(root)
