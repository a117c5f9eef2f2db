// esbuild entry (make bootstrap → app/static/build/bpmn-lint.js): the modeler's lint module from
// bpmn-js-bpmnlint and the configuration the server runs too (app/workflow/bpmnlint/config.js).
import lintingModule from 'bpmn-js-bpmnlint';
import { lintConfig } from '../../workflow/bpmnlint/config';

window.LienThongLint = { module: lintingModule, config: lintConfig };
