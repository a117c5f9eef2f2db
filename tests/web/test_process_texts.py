"""The shipped processes' words reach the English catalogue; a designer's new words stay as written."""
import io

from app.web.process_texts import extract_bpmn_names, extract_form_texts


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

