/**
 * Shared by the self-hosted tests: the program as index.ts runs it for mode self-hosted, and the
 * Kubernetes OpenAPI validation of every object a run records.
 */
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { Deployment } from "kubernetes-models/apps/v1";
import { ConfigMap, Namespace, Secret, Service, ServiceAccount } from "kubernetes-models/v1";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { StorageClass } from "kubernetes-models/storage.k8s.io/v1";
import { PrometheusRule, ServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";
import { RecordedResource, unwrapSecrets } from "../../mockrun";
import { ScaledObjectModel } from "../scale/kedaSchema";

/**
 * index.ts's path for mode self-hosted, imported after the mocks are set (runStack sets them first;
 * it also drains the registrations still in flight when the program returns).
 */
export async function selfHostedProgram(): Promise<Record<string, unknown>> {
    const { loadStackConfig, loadStackSecrets } = await import("../../config/pulumi");
    const { buildSelfHosted } = await import("../../program/selfHosted");
    return buildSelfHosted(loadStackConfig(), loadStackSecrets());
}

export const by = (resources: readonly RecordedResource[], type: string): RecordedResource[] => resources.filter((r) => r.type === type);

export function one(resources: readonly RecordedResource[], type: string, name?: string): RecordedResource {
    const matches = resources.filter((r) => r.type === type && (name === undefined || r.name === name));
    if (matches.length !== 1) throw new Error(`expected exactly one ${type}${name !== undefined ? ` named ${name}` : ""}, found ${matches.length}: ${matches.map((m) => m.name).join(", ")}`);
    return matches[0] as RecordedResource;
}

type Validatable = { validate(): void };
type ModelClass = new (data: never) => Validatable;

/** Kubernetes kinds the program creates, each with its OpenAPI model (Kubernetes 1.33 for the core kinds). */
const K8S_MODELS: Readonly<Record<string, ModelClass>> = {
    "kubernetes:apps/v1:Deployment": Deployment as unknown as ModelClass,
    "kubernetes:core/v1:Namespace": Namespace as unknown as ModelClass,
    "kubernetes:core/v1:Secret": Secret as unknown as ModelClass,
    "kubernetes:core/v1:Service": Service as unknown as ModelClass,
    "kubernetes:core/v1:ServiceAccount": ServiceAccount as unknown as ModelClass,
    "kubernetes:core/v1:ConfigMap": ConfigMap as unknown as ModelClass,
    "kubernetes:policy/v1:PodDisruptionBudget": PodDisruptionBudget as unknown as ModelClass,
    "kubernetes:networking.k8s.io/v1:NetworkPolicy": NetworkPolicy as unknown as ModelClass,
    "kubernetes:storage.k8s.io/v1:StorageClass": StorageClass as unknown as ModelClass,
};
const CRD_MODELS: Readonly<Record<string, ModelClass>> = {
    ServiceMonitor: ServiceMonitor as unknown as ModelClass,
    PrometheusRule: PrometheusRule as unknown as ModelClass,
};

/** The object a recorded Kubernetes resource would send to the API server. */
export function k8sObject(resource: RecordedResource): Record<string, unknown> {
    const inputs = unwrapSecrets(resource.inputs) as Record<string, unknown>;
    // The provider strips its own bookkeeping before sending; so do we.
    const { __inputs: _ignored, ...object } = inputs as Record<string, unknown> & { __inputs?: unknown };
    return object;
}

/** Validates one recorded Kubernetes object against its schema; throws naming the resource. */
export function validateK8s(resource: RecordedResource): string {
    const object = k8sObject(resource);
    let Model: ModelClass | undefined;
    // Custom resources are recorded under their own apiVersion/kind (kubernetes:monitoring.coreos.com/v1:ServiceMonitor).
    Model = K8S_MODELS[resource.type] ?? (resource.type.startsWith("kubernetes:monitoring.coreos.com/") ? CRD_MODELS[String(object["kind"])] : undefined)
        // KEDA has no kubernetes-models package: its CRD's OpenAPI schema at the pinned chart (test/scale/kedaSchema.ts).
        ?? (resource.type === "kubernetes:keda.sh/v1alpha1:ScaledObject" ? ScaledObjectModel as unknown as ModelClass : undefined);
    if (Model === undefined) throw new Error(`no schema model for ${resource.type} ${String(object["kind"] ?? "")} (${resource.name}): add one to K8S_MODELS`);
    try {
        new Model(object as never).validate();
    } catch (error) {
        throw new Error(`${resource.type} ${resource.name} fails the schema: ${(error as Error).message}`);
    }
    return `${String(object["apiVersion"])}/${String(object["kind"])}`;
}

export const isK8sObject = (r: RecordedResource): boolean =>
    r.custom && r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh/") && !r.type.startsWith("pulumi:providers:");
