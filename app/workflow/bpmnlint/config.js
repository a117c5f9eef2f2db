// The linter configuration shared by the modeler (bundled by esbuild at `make bootstrap`) and the server
// (cli.js run by node at every check of a diagram): bpmnlint's recommended rules, their messages in
// Vietnamese, and our plugin "lienthong". The options (roles, operators) come from the server's registry,
// so both places judge with the same lists.
var StaticResolver = require('bpmnlint/lib/resolver/static-resolver');

var OURS = {
  'user-task-lane-form': require('./rules/user-task-lane-form'),
  'incoming-reaches-completed': require('./rules/incoming-reaches-completed'),
  'secret-not-sent-outside': require('./rules/secret-not-sent-outside'),
  'deadline-timer-working-days': require('./rules/deadline-timer-working-days'),
  'service-task-operator': require('./rules/service-task-operator')
};

// bpmnlint's own messages are English: each rule reads in Vietnamese instead.
var RECOMMENDED = {
  'ad-hoc-sub-process': [require('bpmnlint/rules/ad-hoc-sub-process'), 'Tiểu trình tùy ý (ad-hoc) chưa đúng quy tắc.'],
  'conditional-flows': [require('bpmnlint/rules/conditional-flows'), 'Luồng ra từ cổng điều kiện thiếu điều kiện hoặc dấu mặc định.'],
  'end-event-required': [require('bpmnlint/rules/end-event-required'), 'Quy trình thiếu sự kiện kết thúc.'],
  'event-based-gateway': [require('bpmnlint/rules/event-based-gateway'), 'Cổng theo sự kiện phải dẫn tới các sự kiện chờ.'],
  'event-sub-process-typed-start-event': [require('bpmnlint/rules/event-sub-process-typed-start-event'), 'Tiểu trình sự kiện phải bắt đầu bằng một sự kiện có loại.'],
  'fake-join': [require('bpmnlint/rules/fake-join'), 'Nhiều luồng vào một bước mà không qua cổng hợp.'],
  'global': [require('bpmnlint/rules/global'), 'Phần tử dùng chung (tin nhắn, tín hiệu, lỗi) chưa được dùng hoặc trùng tên.'],
  'label-required': [require('bpmnlint/rules/label-required'), 'Phần tử chưa có tên.'],
  'link-event': [require('bpmnlint/rules/link-event'), 'Sự kiện liên kết không ghép cặp được.'],
  'no-bpmndi': [require('bpmnlint/rules/no-bpmndi'), 'Phần tử chưa được vẽ trên sơ đồ.'],
  'no-complex-gateway': [require('bpmnlint/rules/no-complex-gateway'), 'Không dùng cổng phức hợp.'],
  'no-disconnected': [require('bpmnlint/rules/no-disconnected'), 'Phần tử không nối với luồng nào.'],
  'no-duplicate-sequence-flows': [require('bpmnlint/rules/no-duplicate-sequence-flows'), 'Hai luồng trùng nhau giữa cùng hai phần tử.'],
  'no-gateway-join-fork': [require('bpmnlint/rules/no-gateway-join-fork'), 'Một cổng vừa hợp vừa tách: tách thành hai cổng.'],
  'no-implicit-split': [require('bpmnlint/rules/no-implicit-split'), 'Tách nhánh ngầm: dùng cổng để nói rõ các nhánh.'],
  'no-implicit-end': [require('bpmnlint/rules/no-implicit-end'), 'Kết thúc ngầm: nối tới một sự kiện kết thúc.'],
  'no-implicit-start': [require('bpmnlint/rules/no-implicit-start'), 'Bắt đầu ngầm: phần tử không có luồng vào.'],
  'no-inclusive-gateway': [require('bpmnlint/rules/no-inclusive-gateway'), 'Nên tránh cổng bao hàm (inclusive).'],
  'no-overlapping-elements': [require('bpmnlint/rules/no-overlapping-elements'), 'Các phần tử chồng lên nhau trên sơ đồ.'],
  'single-blank-start-event': [require('bpmnlint/rules/single-blank-start-event'), 'Chỉ được một sự kiện bắt đầu trống.'],
  'single-event-definition': [require('bpmnlint/rules/single-event-definition'), 'Sự kiện có nhiều hơn một định nghĩa.'],
  'start-event-required': [require('bpmnlint/rules/start-event-required'), 'Quy trình thiếu sự kiện bắt đầu.'],
  'sub-process-blank-start-event': [require('bpmnlint/rules/sub-process-blank-start-event'), 'Tiểu trình phải bắt đầu bằng sự kiện bắt đầu trống.'],
  'superfluous-gateway': [require('bpmnlint/rules/superfluous-gateway'), 'Cổng thừa: chỉ một luồng vào và một luồng ra.'],
  'superfluous-label': [require('bpmnlint/rules/superfluous-label'), 'Nhãn thừa trên phần tử.'],
  'superfluous-termination': [require('bpmnlint/rules/superfluous-termination'), 'Sự kiện kết thúc dừng toàn bộ là thừa.']
};

function inVietnamese(factory, message) {
  return function(config) {
    var rule = factory(config);
    return Object.assign({}, rule, {
      check: function(node, reporter) {
        return rule.check(node, {
          report: function(id, _english, path) { return reporter.report(id, message, path); }
        });
      }
    });
  };
}

function cache() {
  var entries = {
    'config:bpmnlint/recommended': require('bpmnlint/config/recommended'),
    'config:bpmnlint-plugin-lienthong/all': { rules: {} }
  };
  Object.keys(RECOMMENDED).forEach(function(name) {
    entries['rule:bpmnlint/' + name] = inVietnamese(RECOMMENDED[name][0], RECOMMENDED[name][1]);
  });
  Object.keys(OURS).forEach(function(name) {
    entries['rule:bpmnlint-plugin-lienthong/' + name] = OURS[name];
  });
  return entries;
}

// options: { roles: [...], operators: [...] } from the server.
function lintConfig(options) {
  options = options || {};
  // The recommended rules are advice (warnings): only ours refuse a publish. The shipped diagrams carry no
  // layout (the server draws it when a diagram is opened), so "not drawn" is not a finding.
  var rules = {};
  Object.keys(RECOMMENDED).forEach(function(name) { rules[name] = name === 'no-bpmndi' ? 'off' : 'warn'; });
  Object.assign(rules, {
    'lienthong/user-task-lane-form': ['error', { roles: options.roles || [] }],
    'lienthong/incoming-reaches-completed': 'error',
    'lienthong/secret-not-sent-outside': 'error',
    'lienthong/deadline-timer-working-days': 'error',
    'lienthong/service-task-operator': ['error', { operators: options.operators || [] }]
  });
  return {
    config: { extends: ['bpmnlint:recommended'], rules: rules },
    resolver: new StaticResolver(cache())
  };
}

module.exports = { lintConfig: lintConfig, OUR_RULES: Object.keys(OURS) };
