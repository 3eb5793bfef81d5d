/**
 * Hand-built scenarios and states for the core tests (no parser involved).
 *
 * @module
 */

import type {
  Block,
  Content,
  GroupRange,
  Scenario,
  State,
  Step,
  StepElement,
  UnexpectedCall,
} from "../../core/types.ts";

/** A leaf step as a test writes it; everything but `argv` has the SCN defaults. */
export interface StepSpec {
  argv: string[];
  exit?: number;
  stdout?: string | Content;
  stderr?: string | Content;
  stdin?: string | Content;
  /** An explicit `calls` block. */
  calls?: { min: number; max: number };
  capture?: Record<string, string>;
  delay?: string;
  delayMs?: number;
}

/** An unordered group as a test writes it. */
export interface GroupSpec {
  group: string;
  steps: StepSpec[];
}

/** A scenario as a test writes it. */
export interface ScenarioSpec {
  name: string;
  description?: string;
  vars?: Record<string, string>;
  allowedCommands?: string[];
  denyEnvVars?: string[];
  ttl?: string;
  ttlMs?: number;
  steps: (StepSpec | GroupSpec)[];
}

/** A text content. */
export function text(template: string): Content {
  return { kind: "text", template };
}

function content(value: string | Content | undefined): Content {
  return value === undefined ? text("") : typeof value === "string" ? text(value) : value;
}

/** Builds a validated-looking Scenario: flat steps, groups, blocks and commands. */
export function makeScenario(spec: ScenarioSpec): Scenario {
  const steps: Step[] = [];
  const groups: GroupRange[] = [];
  const blocks: Block[] = [];
  const elements: StepElement[] = [];

  const leaf = (s: StepSpec, yamlPath: string, group?: string): Step => {
    const stdin = s.stdin === undefined ? undefined : content(s.stdin);
    return {
      index: steps.length,
      yamlPath,
      argv: s.argv,
      ...(stdin === undefined ? {} : { stdin }),
      respond: {
        exit: s.exit ?? 0,
        stdout: content(s.stdout),
        stderr: content(s.stderr),
        delayMs: s.delayMs ?? 0,
        ...(s.delay === undefined ? {} : { delay: s.delay }),
        capture: s.capture ?? {},
      },
      calls: s.calls === undefined
        ? { min: 1, max: 1, explicit: false }
        : { ...s.calls, explicit: true },
      ...(group === undefined ? {} : { group }),
    };
  };

  spec.steps.forEach((element, i) => {
    if ("group" in element) {
      const start = steps.length;
      element.steps.forEach((s, j) => {
        steps.push(leaf(s, `steps[${i}].group.steps[${j}]`, element.group));
      });
      groups.push({ name: element.group, start, end: steps.length });
      blocks.push({ start, end: steps.length, group: groups.length - 1 });
      elements.push({ kind: "group", group: groups.length - 1 });
    } else {
      const step = leaf(element, `steps[${i}]`);
      steps.push(step);
      blocks.push({ start: step.index, end: step.index + 1 });
      elements.push({ kind: "step", step: step.index });
    }
  });

  return {
    meta: {
      name: spec.name,
      description: spec.description ?? "",
      vars: spec.vars ?? {},
      allowedCommands: spec.allowedCommands ?? [],
      denyEnvVars: spec.denyEnvVars ?? [],
      ...(spec.ttlMs === undefined ? {} : { ttlMs: spec.ttlMs }),
      ...(spec.ttl === undefined ? {} : { ttl: spec.ttl }),
    },
    elements,
    steps,
    groups,
    blocks,
    commands: [...new Set(steps.map((s) => s.argv[0] ?? ""))],
  };
}

/** The scenario of CONTRACT.md section 5 ("deploy-app"). */
export function deployApp(): Scenario {
  return makeScenario({
    name: "deploy-app",
    description: "Deploys the web app",
    vars: { cluster: "prod" },
    allowedCommands: ["git", "az", "docker", "kubectl"],
    denyEnvVars: ["AWS_*", "SECRET_*", "TOKEN"],
    ttl: "10m",
    ttlMs: 600_000,
    steps: [
      { argv: ["git", "status"], stdout: "On branch main\n" },
      {
        group: "pre-flight",
        steps: [
          {
            argv: ["az", "account", "show"],
            stdout: '{"name": "my-sub"}',
            capture: { sub: "my-sub" },
          },
          { argv: ["docker", "info"], calls: { min: 0, max: 2 } },
        ],
      },
      {
        argv: ["kubectl", "get", "pods", "-n", '{{ .regex "^prod-.*" }}'],
        stdout: "{{ .cluster }} {{ .capture.sub }}\n",
      },
    ],
  });
}

/** What a test sets on a state; the rest is derived from the scenario. */
export interface StateSpec {
  counts?: number[];
  currentStep?: number;
  totalSteps?: number;
  unexpected?: { argv: string[]; reason: UnexpectedCall["reason"]; stepIndex: number | null }[];
  unexpectedCount?: number;
  captures?: Record<string, string>;
  lastUpdated?: string;
}

/** Builds a State for a scenario. */
export function makeState(scenario: Scenario, spec: StateSpec = {}): State {
  const unexpected = (spec.unexpected ?? []).map((u): UnexpectedCall => ({
    ...u,
    at: "2026-02-07T10:29:59.870Z",
  }));
  return {
    scenarioPath: "/home/dev/proj/tests/deploy.yaml",
    scenarioHash: "6d79339bbe745e8c1a9935ab9514a143e6793af8a728d7074cd2d7601d1a6bdf",
    currentStep: spec.currentStep ?? 0,
    totalSteps: spec.totalSteps ?? scenario.steps.length,
    stepCounts: spec.counts ?? scenario.steps.map(() => 0),
    lastUpdated: spec.lastUpdated ?? "2026-02-07T10:30:00.123Z",
    captures: spec.captures ?? {},
    unexpectedCalls: unexpected,
    unexpectedCount: spec.unexpectedCount ?? unexpected.length,
  };
}

/** The unexpected call of the VERIFY examples: `kubectl get nodes`, mismatch at step 2. */
export function getNodes(): NonNullable<StateSpec["unexpected"]>[number] {
  return { argv: ["kubectl", "get", "nodes"], reason: "mismatch", stepIndex: 1 };
}
