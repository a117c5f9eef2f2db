"""Rewrite stored specs and engine states in the current storage format, a batch at a time.

Reading never needs this (each format change keeps reading the older formats, and SpiffWorkflow
migrates its own older serializations as a state loads); upgrading lets a later release drop those
readers. The callers (`flask processes upgrade-states`) commit each batch.
"""
from dataclasses import dataclass, field

from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.orm import joinedload

from app.extensions import db

from .engine import SERIALIZER_VERSION, STORAGE_FORMAT, specs_from_json, specs_to_json, state_to_json
from .instance_state import load_workflow
from .models import ProcessInstance, ProcessVersion

_INSTANCES = ProcessInstance.__table__
# A compacted case keeps only its summary (app.workflow.compaction), no engine state to rewrite.
_OUTDATED_INSTANCE = and_(ProcessInstance.history_compacted_at.is_(None), or_(
    ProcessInstance.state_format.is_(None), ProcessInstance.state_format != STORAGE_FORMAT,
    ProcessInstance.serializer_version != SERIALIZER_VERSION))
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
    """Load and store again up to `limit` outdated states after `after_id`, their rows locked for the batch;
    None when none is left. A state that does not load is reported and left as it was.

    Not a step of any case: lock_version and updated_at stay, and the inbox and timer index (the same
    tasks and timers before and after) are not touched.
    """
    instances = db.session.scalars(_LOCK_OUTDATED, {"after_id": after_id, "limit": limit}).all()
    if not instances:
        return None
    result, rewritten = BatchResult(last_id=instances[-1].id), []
    for instance in instances:
        try:
            state_json = state_to_json(load_workflow(instance, None))
        except Exception as error:  # noqa: BLE001 — any state that does not load is reported, the rest go on
            result.failed.append((instance.id, _technical(error)))
            continue
        rewritten.append({"instance_id": instance.id, "state_json": state_json})
    if rewritten and not dry_run:
        db.session.execute(_REWRITE, rewritten)
    result.upgraded = len(rewritten)
    db.session.expire_all()
    return result


# Built once: the batch's rows (with their version, without its BPMN and spec JSON) locked in one statement,
# and one UPDATE sent for all of them.
_LOCK_OUTDATED = (
    select(ProcessInstance).where(_OUTDATED_INSTANCE, ProcessInstance.id > bindparam("after_id"))
    .order_by(ProcessInstance.id).limit(bindparam("limit"))
    .options(joinedload(ProcessInstance.version, innerjoin=True).load_only(
        ProcessVersion.process_id, ProcessVersion.number, ProcessVersion.content_sha256))
    .with_for_update(of=ProcessInstance).execution_options(populate_existing=True))
_REWRITE = (update(_INSTANCES).where(_INSTANCES.c.id == bindparam("instance_id"))
            .values(state_json=bindparam("state_json"), serializer_version=SERIALIZER_VERSION,
                    state_format=STORAGE_FORMAT))


def _technical(error: Exception) -> str:
    first_line = (str(error).splitlines() or [""])[0][:200]
    return f"{type(error).__name__}: {first_line}"
