// The server's run of the modeler's rules: reads {"xml": "...", "options": {...}} on stdin and prints
// {"reports": [{"rule", "id", "message", "category"}]} (or {"error": "..."} when the XML does not parse).
// Called by app/workflow/js_lint.py at every check of a diagram (save, upload, publish, restore, sync).
var BpmnModdle = require('bpmn-moddle').BpmnModdle;
var Linter = require('bpmnlint').Linter;
var lintConfig = require('./config').lintConfig;

function read(stream) {
  return new Promise(function(resolve, reject) {
    var chunks = [];
    stream.on('data', function(chunk) { chunks.push(chunk); });
    stream.on('end', function() { resolve(Buffer.concat(chunks).toString('utf8')); });
    stream.on('error', reject);
  });
}

function reportsOf(results) {
  var reports = [];
  Object.keys(results).forEach(function(rule) {
    results[rule].forEach(function(report) {
      reports.push({ rule: rule, id: report.id || '', message: report.message, category: report.category });
    });
  });
  return reports;
}

read(process.stdin).then(function(text) {
  var input = JSON.parse(text);
  return new BpmnModdle().fromXML(input.xml).then(function(parsed) {
    var linting = lintConfig(input.options);
    return new Linter(linting).lint(parsed.rootElement).then(function(results) {
      return { reports: reportsOf(results) };
    });
  }, function(error) {
    return { error: String(error && error.message || error) };
  });
}).then(function(answer) {
  process.stdout.write(JSON.stringify(answer));
}).catch(function(error) {
  process.stderr.write(String(error && error.stack || error));
  process.exit(2);
});
