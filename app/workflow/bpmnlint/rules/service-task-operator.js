// Every service task names a registered operator (spiffworkflow:serviceTaskOperator id="...").
var h = require('../helpers');

module.exports = function(config) {
  var operators = (config && config.operators) || [];

  function check(node, reporter) {
    if (!h.is(node, 'bpmn:ServiceTask')) return;
    var operator = h.operatorOf(node);
    if (!operator) {
      reporter.report(node.id, 'Tác vụ hệ thống "' + h.label(node) + '" chưa chọn thao tác (serviceTaskOperator).');
    } else if (operators.length && operators.indexOf(operator) < 0) {
      // Worded as the server's own check of operators, so that a draft lists the problem once.
      reporter.report(node.id, "Thao tác '" + operator + "' chưa được đăng ký.");
    }
  }

  return { check: check };
};
