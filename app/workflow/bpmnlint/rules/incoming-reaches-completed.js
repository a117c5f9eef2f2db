// An incoming document's process reaches status 06 (Hoàn thành) on every path: every way from the start
// to an end passes a step whose operator sets 06, or one that ends the document another final way
// (02, refused on receipt). Non-interrupting boundary events are side paths (the task goes on) and are
// not followed; an interrupting one continues the path.
var h = require('../helpers');

module.exports = function(config) {
  config = config || {};
  var processes = config.processes || ['incoming_document'];
  var completing = config.completing || ['documents.complete'];
  var finals = completing.concat(config.otherFinal || ['documents.refuse']);

  function isFinal(node) {
    if (h.is(node, 'bpmn:ServiceTask')) return finals.indexOf(h.operatorOf(node)) >= 0;
    if (h.is(node, 'bpmn:SubProcess')) {
      return h.allFlowElements(node).some(function(e) {
        return h.is(e, 'bpmn:ServiceTask') && finals.indexOf(h.operatorOf(e)) >= 0;
      });
    }
    return false;
  }

  function check(node, reporter) {
    if (!h.is(node, 'bpmn:Process') || processes.indexOf(node.id) < 0) return;
    var next = h.successors(node, false);
    var seen = {}, stack = h.startEvents(node).slice(), reported = {};
    stack.forEach(function(start) { seen[start.id] = true; });
    while (stack.length) {
      var current = stack.pop();
      if (isFinal(current)) continue;
      var leaving = next[current.id] || [];
      if (!leaving.length && !reported[current.id]) {
        reported[current.id] = true;
        reporter.report(current.id, 'Có đường tới "' + h.label(current) + '" mà văn bản đến chưa tới trạng thái 06 ' +
          '(Hoàn thành): mọi nhánh phải qua bước có thao tác ' + completing.join(', ') + ' (hoặc từ chối tiếp nhận).');
      }
      leaving.forEach(function(entry) {
        if (!seen[entry.target.id]) {
          seen[entry.target.id] = true;
          stack.push(entry.target);
        }
      });
    }
  }

  return { check: check };
};
