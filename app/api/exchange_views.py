"""Liên thông through the API: an edXML package posted as the body becomes incoming documents."""
from flask import g, jsonify, request
from flask_babel import gettext as _

from app.directory.roles import CLERK
from app.exchange.dispatch import receive_any
from app.exchange.edxml.safe_xml import PackageRefused
from app.extensions import db

from .auth import roles_required, token_required
from .blueprint import bp
from .errors import api_error_response
from .openapi import documented
from .schemas import PackageImported

XML_BODY = {"required": True, "content": {"application/xml": {"schema": {"type": "string"}}}}


@bp.route("/api/v1/exchange/packages", methods=["POST"])
@token_required
@roles_required(CLERK)  # refused before the package is read
@documented("Văn thư nhận một gói tin edXML (QCVN 102:2016) gửi cơ quan mình: gói văn bản tạo văn bản đến (01), "
            "gói trạng thái ghi vào diễn biến của nơi nhận trên văn bản đi",
            response=PackageImported, status=201, request_body=XML_BODY)
def post_package():
    try:
        imported = receive_any(request.get_data(cache=False), actor=g.api_user)
    except PackageRefused as refused:
        db.session.rollback()
        return api_error_response(422, _("Gói tin không được tiếp nhận."), reasons=refused.reasons)
    db.session.commit()
    return jsonify(document_ids=imported.document_ids, warnings=imported.warnings), 201
