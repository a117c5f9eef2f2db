// A secret document never reaches a step that sends outside the installation (over the axis): a send
// task, a message thrown, or a service task whose operator sends outside. Every path from a start to such
// a step crosses a flow whose condition lets only non-secret documents through (secrecy == 0, ...),
// possibly with "or" an alternative that sends nothing outside.
var h = require('../helpers');

var NOT_SECRET = /\bsecrecy\W{0,3}\s*(==\s*0\b|<\s*1\b|<=\s*0\b)|\bnot\s+(\w+\[["'])?secrecy\b/;

module.exports = function(config) {
  var sendsOutside = (config && config.sendsOutside) || ['outgoing.release'];

  function sends(node) {
    if (h.is(node, 'bpmn:SendTask')) return true;
    if (h.is(node, 'bpmn:ServiceTask')) return sendsOutside.indexOf(h.operatorOf(node)) >= 0;
    if (h.is(node, 'bpmn:IntermediateThrowEvent') || h.is(node, 'bpmn:EndEvent')) {
      return (node.eventDefinitions || []).some(function(d) { return h.is(d, 'bpmn:MessageEventDefinition'); });
    }
    return false;
  }

  function guards(flow) {
    return Boolean(flow && NOT_SECRET.test(h.expressionText(flow.conditionExpression)));
  }

  // Reachable from a start of `container` without crossing a guard; subprocesses are entered at their
  // starts (and also passed over, to what follows them).
  function walk(container, reporter) {
    var next = h.successors(container, true);
    var seen = {}, stack = h.startEvents(container).slice();
    h.flowElements(container).forEach(function(e) { if (h.isEventSubProcess(e)) stack.push(e); });
    stack.forEach(function(start) { seen[start.id] = true; });
    while (stack.length) {
      var current = stack.pop();
      if (sends(current)) {
        reporter.report(current.id, 'Bước "' + h.label(current) + '" gửi văn bản ra ngoài hệ thống nhưng văn bản mật ' +
          'có thể tới đây: đặt trước nó một luồng có điều kiện chỉ cho văn bản thường đi qua (ví dụ secrecy == 0).');
      }
      if (h.is(current, 'bpmn:SubProcess')) walk(current, reporter);
      (next[current.id] || []).forEach(function(entry) {
        if (!seen[entry.target.id] && !guards(entry.flow)) {
          seen[entry.target.id] = true;
          stack.push(entry.target);
        }
      });
    }
  }

  function check(node, reporter) {
    if (h.is(node, 'bpmn:Process')) walk(node, reporter);
  }

  return { check: check };
};
