"""Import every domain's models so the mapper and Alembic see all tables."""
from app.audit import models as audit_models  # noqa: F401
from app.auth import models as auth_models  # noqa: F401
from app.designer import models as designer_models  # noqa: F401
from app.directory import models as directory_models  # noqa: F401
from app.documents import models as document_models  # noqa: F401
from app.documents.outgoing import models as outgoing_models  # noqa: F401
from app.dossiers import models as dossier_models  # noqa: F401
from app.exchange import directory as exchange_directory  # noqa: F401
from app.exchange import messages as exchange_messages  # noqa: F401
from app.exchange import received as exchange_received_models  # noqa: F401
from app.mail import models as mail_models  # noqa: F401
from app.notifications import models as notification_models  # noqa: F401
from app.reports import models as report_models  # noqa: F401
from app.reports import monthly_models as monthly_report_models  # noqa: F401
from app.reports import recipient_models as recipient_fact_models  # noqa: F401
from app.signing import models as signing_models  # noqa: F401
from app.workflow import models as workflow_models  # noqa: F401
