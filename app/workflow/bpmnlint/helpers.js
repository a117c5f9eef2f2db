// Shared by the rules of our bpmnlint plugin: reading the SpiffWorkflow extension elements and walking
// the flow graph. The modeler knows the spiffworkflow/lienthong moddle types, the server parses without
// them (generic elements): both forms are read here so the verdicts are the same in both places.

function localName(element) {
  return String((element && element.$type) || '').replace(/^.*:/, '').toLowerCase();
}

function is(element, type) {
  return Boolean(element && element.$instanceOf && element.$instanceOf(type));
}

function attr(element, name) {
  if (!element) return undefined;
  if (element[name] !== undefined) return element[name];
  return element.$attrs ? element.$attrs[name] : undefined;
}

function children(element) {
  if (Array.isArray(element.$children)) return element.$children;
  var found = [];
  Object.keys(element).forEach(function(key) {
    if (key.charAt(0) === '$') return;
    [].concat(element[key]).forEach(function(value) {
      if (value && typeof value === 'object' && value.$type) found.push(value);
    });
  });
  return found;
}

function extensionsOf(element) {
  var ext = element.extensionElements;
  return (ext && ext.values) || [];
}

// The first extension element of that local name (case-insensitive: spiffworkflow:properties or :Properties).
function extension(element, name) {
  name = name.toLowerCase();
  return extensionsOf(element).filter(function(value) { return localName(value) === name; })[0];
}

function spiffProperty(element, name) {
  var properties = extension(element, 'properties');
  if (!properties) return '';
  var found = children(properties).filter(function(child) {
    return localName(child) === 'property' && attr(child, 'name') === name;
  })[0];
  return (found && attr(found, 'value')) || '';
}

function operatorOf(element) {
  var operator = extension(element, 'serviceTaskOperator');
  return (operator && attr(operator, 'id')) || '';
}

function expressionText(expression) {
  return expression ? String(expression.body || attr(expression, 'body') || '').trim() : '';
}

function flowElements(container) {
  return container.flowElements || [];
}

// Every flow element below `container`, subprocesses included.
function allFlowElements(container) {
  var found = [];
  flowElements(container).forEach(function(element) {
    found.push(element);
    if (element.flowElements) found = found.concat(allFlowElements(element));
  });
  return found;
}

// node id -> [{ target, flow }] for the sequence flows directly in `container`, plus the boundary events
// attached to each node (reached with their host; `flow` is null). Non-interrupting boundary events are
// side paths (the host goes on) and are left out when `sidePaths` is false.
function successors(container, sidePaths) {
  var next = {};
  function add(sourceId, entry) { (next[sourceId] = next[sourceId] || []).push(entry); }
  flowElements(container).forEach(function(element) {
    if (is(element, 'bpmn:SequenceFlow') && element.sourceRef && element.targetRef) {
      add(element.sourceRef.id, { target: element.targetRef, flow: element });
    }
    if (is(element, 'bpmn:BoundaryEvent') && element.attachedToRef) {
      if (sidePaths || element.cancelActivity !== false) add(element.attachedToRef.id, { target: element, flow: null });
    }
  });
  return next;
}

function startEvents(container) {
  return flowElements(container).filter(function(element) { return is(element, 'bpmn:StartEvent'); });
}

function isEventSubProcess(element) {
  return is(element, 'bpmn:SubProcess') && element.triggeredByEvent;
}

function label(element) {
  return element.name || element.id;
}

module.exports = {
  localName: localName, is: is, attr: attr, children: children, extension: extension,
  spiffProperty: spiffProperty, operatorOf: operatorOf, expressionText: expressionText,
  flowElements: flowElements, allFlowElements: allFlowElements, successors: successors,
  startEvents: startEvents, isEventSubProcess: isEventSubProcess, label: label
};
