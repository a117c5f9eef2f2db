// esbuild entry (make bootstrap → app/static/build/bpmn-differ.js): bpmn-js-differ for the versions page.
import { diff } from 'bpmn-js-differ';

window.BpmnJsDiffer = { diff: diff };
