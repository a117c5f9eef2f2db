"""Rewrite stored specs and engine states in the current storage format, a batch at a time.

Reading never needs this (each format change keeps reading the older formats, and SpiffWorkflow
migrates its own older serializations as a state loads); upgrading lets a later release drop those
readers. The callers (`flask processes upgrade-states`) commit each batch.
"""
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select, update

from app.extensions import db

from .engine import SERIALIZER_VERSION, STORAGE_FORMAT, specs_from_json, specs_to_json, state_to_json
from .instance_state import load_workflow
from .models import ProcessInstance, ProcessVersion
from .runtime import lock_instance

_INSTANCES = ProcessInstance.__table__
_OUTDATED_INSTANCE = or_(ProcessInstance.state_format.is_(None), ProcessInstance.state_format != STORAGE_FORMAT,
                         ProcessInstance.serializer_version != SERIALIZER_VERSION)
_OUTDATED_VERSION = or_(ProcessVersion.spec_format.is_(None), ProcessVersion.spec_format != STORAGE_FORMAT)


@dataclass
class BatchResult:
    upgraded: int = 0
    failed: list[tuple[int, str]] = field(default_factory=list)
    last_id: int = 0


def count_outdated() -> tuple[int, int]:
    """How many versions and instances are stored in an older format."""
    versions = db.session.scalar(select(func.count()).select_from(ProcessVersion).where(_OUTDATED_VERSION))
    instances = db.session.scalar(select(func.count()).select_from(ProcessInstance).where(_OUTDATED_INSTANCE))
    return versions, instances


def upgrade_versions(*, dry_run: bool = False) -> tuple[int, list[tuple[int, str]]]:
    """Re-serialise the specs of versions written in an older format of ours.

    A spec written by an older SpiffWorkflow serializer is left as it is: SpiffWorkflow migrates states
    together with the spec they were written with (instance_state.load_workflow), so it must stay.
    """
    upgraded, kept = 0, []
    versions = db.session.scalars(select(ProcessVersion).where(_OUTDATED_VERSION).order_by(ProcessVersion.id))
    for version in versions:
        if version.serializer_version != SERIALIZER_VERSION:
            kept.append((version.id, f"quy trình {version.process_id} phiên bản {version.number} do SpiffWorkflow "
                                     f"định dạng {version.serializer_version} ghi: giữ nguyên"))
            continue
        spec_json = specs_to_json(*specs_from_json(version.spec_json))
        if not dry_run:
            version.spec_json, version.spec_format = spec_json, STORAGE_FORMAT
        upgraded += 1
    db.session.flush()
    return upgraded, kept


def upgrade_state_batch(*, after_id: int, limit: int, dry_run: bool = False) -> BatchResult | None:
    """Load and store again (under each instance's lock) up to `limit` outdated states after `after_id`;
    None when none is left. A state that does not load is reported and left as it was."""
    ids = db.session.scalars(select(ProcessInstance.id).where(_OUTDATED_INSTANCE, ProcessInstance.id > after_id)
                             .order_by(ProcessInstance.id).limit(limit)).all()
    if not ids:
        return None
    result = BatchResult(last_id=ids[-1])
    for instance_id in ids:
        try:
            with db.session.begin_nested():
                instance = lock_instance(instance_id)
                state_json = state_to_json(load_workflow(instance, None))
                if not dry_run:
                    # Not a step of the case: its lock_version and updated_at stay.
                    db.session.execute(update(_INSTANCES).where(_INSTANCES.c.id == instance_id).values(
                        state_json=state_json, serializer_version=SERIALIZER_VERSION, state_format=STORAGE_FORMAT))
        except Exception as error:  # noqa: BLE001 — any state that does not load is reported, the rest go on
            result.failed.append((instance_id, _technical(error)))
            continue
        result.upgraded += 1
    db.session.expire_all()
    return result


def _technical(error: Exception) -> str:
    first_line = (str(error).splitlines() or [""])[0][:200]
    return f"{type(error).__name__}: {first_line}"
