"""The script engine an instance runs with: restricted scripts plus the catalogue's operators."""
import json
from datetime import date

from flask import current_app

from app.audit.services import record

from .registry import OperatorContext, catalogue
from .scripting import RestrictedEnvironment, RestrictedScriptEngine
from .workdays import WorkCalendar


class OperatorEnvironment(RestrictedEnvironment):
    """Service tasks call registered operators with a typed context, never Flask globals."""

    def __init__(self, calendar: WorkCalendar, *, operators: dict, instance, actor):
        super().__init__(calendar)
        self.operators, self.instance, self.actor = operators, instance, actor
        self.kept: dict = {}  # OperatorContext.kept: lives as long as the loaded workflow (one request)

    def call_service(self, context, operation_name=None, operation_params=None, task_data=None):
        operator = self.operators.get(operation_name)
        if operator is None:
            raise LookupError(f"Thao tác '{operation_name}' chưa được đăng ký.")
        params = {name: param.get("value") for name, param in (operation_params or {}).items()}
        result = operator(OperatorContext(self.instance, task_data, self.actor, params, self.kept))
        if self.instance is not None:
            # Kept for replay (workflow.replay): the operator's answer, in the order the engine asked.
            record("service_task_completed", actor=self.actor, subject=None, agency_id=self.instance.agency_id,
                   instance_id=self.instance.id, operator=operation_name, result=result)
        return json.dumps(result)


def work_calendar() -> WorkCalendar:
    return WorkCalendar(date.fromisoformat(d) for d in current_app.config.get("PUBLIC_HOLIDAYS", ()))


def script_engine_for(instance, actor) -> RestrictedScriptEngine:
    calendar = work_calendar()
    environment = OperatorEnvironment(calendar, operators=catalogue().operators, instance=instance, actor=actor)
    return RestrictedScriptEngine(calendar, environment=environment)
