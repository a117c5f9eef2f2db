// A timer on a deadline (its expression reads a deadline such as due_date, or it waits on a user task)
// counts in working days: it calls one of the calendar helpers and no calendar-day duration (P3D,
// timedelta), so weekends and public holidays are not counted.
var h = require('../helpers');

var DEADLINE = /\b(due_date|new_due_date|deadline|han_\w+)\b/;
var WORKING_DAY = /\b(add_working_days|working_days_between|iso_end_of_day|iso_duration_until)\s*\(/;
var CALENDAR_DAYS = /\btimedelta\s*\(|\bP(\d+[YMWD])+(T|\b)|^\s*["']?\d{4}-\d{2}-\d{2}/;

module.exports = function() {

  function timerOf(node) {
    return (node.eventDefinitions || []).filter(function(d) { return h.is(d, 'bpmn:TimerEventDefinition'); })[0];
  }

  function check(node, reporter) {
    if (!h.is(node, 'bpmn:Event')) return;
    var timer = timerOf(node);
    if (!timer) return;
    var text = h.expressionText(timer.timeDate || timer.timeDuration || timer.timeCycle);
    var onTask = h.is(node, 'bpmn:BoundaryEvent') && h.is(node.attachedToRef, 'bpmn:UserTask');
    if (!DEADLINE.test(text) && !onTask) return;
    if (!WORKING_DAY.test(text) || CALENDAR_DAYS.test(text)) {
      reporter.report(node.id, 'Hẹn giờ theo hạn "' + h.label(node) + '" phải tính theo ngày làm việc: dùng ' +
        'add_working_days(...) hoặc iso_end_of_day(...), không dùng số ngày lịch (P3D, timedelta).');
    }
  }

  return { check: check };
};
