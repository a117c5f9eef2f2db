"""The shipped processes' words reach the English catalogue; a designer's new words stay as written."""
import io
from pathlib import Path

from babel.messages.pofile import read_po
from flask_babel import force_locale

from app.web.process_texts import extract_bpmn_names, extract_form_texts, process_text
from app.workflow.forms import load_form

ROOT = Path(__file__).resolve().parents[2]


def test_form_titles_help_and_option_labels_are_extracted():
    schema = io.BytesIO('{"title": "Phân công", "properties": {"a": {"title": "Hạn xử lý", "oneOf": ['
                        '{"const": 1, "title": "Đồng ý"}]}, "b": {"enumNames": ["Có", ""]}},'
                        '"ui": {"ui:help": "Ghi rõ lý do"}}'.encode())
    assert [m for _l, _f, m, _c in extract_form_texts(schema, (), (), {})] == [
        "Phân công", "Hạn xử lý", "Đồng ý", "Có", "Ghi rõ lý do"]


def test_bpmn_names_are_extracted_but_not_property_names():
    bpmn = io.BytesIO(b'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:s="x">'
                      b'<process id="p" name="V\xc4\x83n b\xe1\xba\xa3n \xc4\x91\xe1\xba\xbfn"><userTask id="t" '
                      b'name="Ti\xe1\xba\xbfp nh\xe1\xba\xadn"><s:property name="formJsonSchemaFilename"/></userTask>'
                      b'</process></definitions>')
    assert [m for _l, _f, m, _c in extract_bpmn_names(bpmn, (), (), {})] == ["Văn bản đến", "Tiếp nhận"]



def test_process_text_translates_known_words_and_keeps_the_agencys_own(app):
    with app.test_request_context(), force_locale("en"):
        assert process_text("Tiếp nhận văn bản") != "Tiếp nhận văn bản"
        assert process_text("Bước riêng của Sở: 100% tự viết") == "Bước riêng của Sở: 100% tự viết"
        assert process_text(None) is None
    with app.test_request_context(), force_locale("vi"):
        assert process_text("Tiếp nhận văn bản") == "Tiếp nhận văn bản"


def test_every_shipped_process_text_has_an_english_translation():
    catalogue = read_po((ROOT / "translations/en/LC_MESSAGES/messages.po").open("rb"))
    texts = {m for path in (ROOT / "forms").rglob("*.json")
             for _l, _f, m, _c in extract_form_texts(path.open("rb"), (), (), {})}
    texts |= {m for path in (ROOT / "bpmn").glob("*.bpmn") for _l, _f, m, _c in extract_bpmn_names(path.open("rb"), (), (), {})}
    untranslated = sorted(t for t in texts if not (catalogue.get(t) and catalogue.get(t).string))
    assert len(texts) > 150 and untranslated == []


def test_an_english_reader_sees_the_form_in_english(app):
    form = load_form(ROOT / "forms", "incoming_document/receive.schema.json", "incoming_document/receive.uischema.json")
    with app.test_request_context(), force_locale("en"):
        fields = {f.name: f for f in form.fields({}, {})}
        assert fields["receive_decision"].label == "Decision"
        assert ("refuse", "Refuse receipt (return to the sender)") in fields["receive_decision"].options
