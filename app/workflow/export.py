"""Write the versions in use back as files (bpmn/ and forms/), for a province's own version control."""
from pathlib import Path

from .deployment import latest_version
from .registry import Catalogue


def export_versions(catalogue: Catalogue, target: Path) -> list[Path]:
    """Each catalogued process's version in use: its BPMN under target/bpmn, its forms under target/forms."""
    written = []
    for definition in catalogue.processes.values():
        version = latest_version(definition.process_id)
        if version is None:
            continue
        files = {Path("bpmn") / definition.bpmn_file: version.bpmn_xml,
                 **{Path("forms") / name: text for name, text in version.forms.items()}}
        for relative, text in files.items():
            if ".." in relative.parts or relative.is_absolute():
                continue  # names come from checked versions; never write outside the target
            path = target / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
