"""The roles a user may hold, with the Vietnamese names people know them by."""
from flask_babel import lazy_gettext as _l

CLERK = "clerk"
LEADER = "leader"
UNIT_HEAD = "unit_head"
SPECIALIST = "specialist"
FORMAT_CHECKER = "format_checker"
DESIGNER = "designer"
AUDITOR = "auditor"
ADMIN = "admin"

ROLE_LABELS = {
    CLERK: _l("Văn thư"),
    LEADER: _l("Lãnh đạo"),
    UNIT_HEAD: _l("Lãnh đạo đơn vị"),
    SPECIALIST: _l("Chuyên viên"),
    FORMAT_CHECKER: _l("Kiểm tra thể thức"),
    DESIGNER: _l("Thiết kế quy trình"),
    AUDITOR: _l("Kiểm toán"),
    ADMIN: _l("Quản trị"),
}
ROLES = tuple(ROLE_LABELS)

# Roles that do the work of process lanes (a lane is named after one of them).
TASK_ROLES = (CLERK, LEADER, UNIT_HEAD, SPECIALIST, FORMAT_CHECKER)
# Roles whose work can be handed to someone else for a while (ủy quyền).
DELEGABLE_ROLES = (LEADER, UNIT_HEAD, CLERK, SPECIALIST, FORMAT_CHECKER)
# Roles whose work is reading documents: the people of the lanes, and auditors within their scope.
# Designers and administrators are absent on purpose: they manage processes, accounts and settings,
# never document contents, although they are usually province-wide (app.documents.access).
DOCUMENT_READERS = (*TASK_ROLES, AUDITOR)
# Roles that read the Sổ văn bản: those who keep them (clerk) or watch the agency's documents through
# them (leaders), and auditors within their scope. Specialists read documents, not whole registers.
REGISTER_READERS = (CLERK, LEADER, UNIT_HEAD, AUDITOR)
