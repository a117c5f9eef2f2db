"""JSON shapes of directory objects."""


def agency_json(agency) -> dict:
    return {"id": agency.id, "code": agency.code, "name": agency.name,
            "short_name": agency.short_name, "kind": agency.kind}


def department_json(department) -> dict:
    return {"id": department.id, "name": department.name, "abbreviation": department.abbreviation,
            "agency": agency_json(department.agency), "active": department.active}


def user_json(user) -> dict:
    return {
        "id": user.id, "username": user.username, "full_name": user.full_name,
        "job_title": user.job_title, "roles": sorted(user.roles), "active": user.active,
        "province_wide": user.province_wide, "agency": agency_json(user.agency),
        "department": ({"id": user.department.id, "name": user.department.name,
                        "abbreviation": user.department.abbreviation} if user.department else None),
    }
