// Every user task sits in a lane whose name is a role we know (the engine offers the task to that role)
// and names its form (formJsonSchemaFilename).
var h = require('../helpers');

module.exports = function(config) {
  var roles = ((config && config.roles) || []).map(function(role) { return String(role).trim().toLowerCase(); });

  function lanesOf(process) {
    var lanes = [];
    function collect(laneSet) {
      (laneSet && laneSet.lanes || []).forEach(function(lane) {
        lanes.push(lane);
        collect(lane.childLaneSet);
      });
    }
    (process.laneSets || []).forEach(collect);
    return lanes;
  }

  function check(node, reporter) {
    if (!h.is(node, 'bpmn:Process')) return;
    var laneOf = {};
    lanesOf(node).forEach(function(lane) {
      // The innermost lane names the role: child lanes come after their parent here.
      (lane.flowNodeRef || []).forEach(function(ref) { if (ref) laneOf[ref.id] = lane; });
    });
    h.allFlowElements(node).forEach(function(element) {
      if (!h.is(element, 'bpmn:UserTask')) return;
      var lane = laneOf[element.id];
      // A task inside a subprocess without a lane of its own takes the subprocess's lane.
      for (var parent = element.$parent; !lane && parent && !h.is(parent, 'bpmn:Process'); parent = parent.$parent) {
        lane = laneOf[parent.id];
      }
      var role = lane && (lane.name || '').trim();
      if (!role) {
        reporter.report(element.id, 'Công việc người dùng "' + h.label(element) + '" không nằm trong làn nào: đặt nó ' +
          'vào làn mang tên một vai trò để hệ thống biết giao cho ai.');
      } else if (roles.length && roles.indexOf(role.toLowerCase()) < 0) {
        // Worded as the server's own check of lanes, so that a draft lists the problem once.
        reporter.report(element.id, "Làn '" + role + "' không phải vai trò đã biết.");
      }
      if (!h.spiffProperty(element, 'formJsonSchemaFilename')) {
        reporter.report(element.id, 'Công việc người dùng thiếu formJsonSchemaFilename.');
      }
    });
  }

  return { check: check };
};
